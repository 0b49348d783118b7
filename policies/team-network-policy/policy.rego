# Every team namespace (team-*) has at least one NetworkPolicy. Needs the whole object set, so the
# static entry passes the namespaces that have one: params.networkPolicyNamespaces (a set).
package lib.runlevel.team_network_policy

violations(obj, params) := {v |
	obj.kind == "Namespace"
	name := obj.metadata.name
	startswith(name, "team-")
	not name in object.get(params, "networkPolicyNamespaces", set())
	v := {"msg": sprintf("team namespace %q has no NetworkPolicy", [name]), "path": "/metadata/name"}
}
