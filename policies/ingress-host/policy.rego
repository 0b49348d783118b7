# Ingress hosts sit under the cluster domain: DNS and the wildcard certificate cover nothing else,
# and a missing host would capture every hostname. Parameters: {domain: string}.
package lib.runlevel.ingress_host

violations(obj, params) := {v |
	obj.kind == "Ingress"
	some entry in _hosts(obj)
	not _under(entry.host, params.domain)
	v := {"msg": _msg(entry.host, params.domain), "path": entry.path}
}

_hosts(obj) := array.concat(
	[{"host": object.get(rule, "host", ""), "path": sprintf("/spec/rules/%d", [i])} | some i, rule in object.get(obj.spec, "rules", [])],
	[{"host": host, "path": sprintf("/spec/tls/%d/hosts/%d", [i, j])} | some i, tls in object.get(obj.spec, "tls", []); some j, host in object.get(tls, "hosts", [])],
)

_under(host, domain) if host == domain

_under(host, domain) if endswith(host, concat("", [".", domain]))

_msg("", domain) := sprintf("rule has no host; it would serve every hostname, not only *.%s", [domain])

_msg(host, domain) := sprintf("host %q is not under the cluster domain %s", [host, domain]) if host != ""
