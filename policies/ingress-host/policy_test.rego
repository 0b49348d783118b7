package lib.runlevel.ingress_host_test

import data.lib.runlevel.ingress_host

ingress(host) := {"kind": "Ingress", "spec": {"rules": [{"host": host}], "tls": [{"hosts": [host]}]}}

test_foreign_host_is_refused_in_rules_and_tls if {
	ingress_host.violations(ingress("web.other.org"), {"domain": "dev.example.com"}) == {
		{"msg": "host \"web.other.org\" is not under the cluster domain dev.example.com", "path": "/spec/rules/0"},
		{"msg": "host \"web.other.org\" is not under the cluster domain dev.example.com", "path": "/spec/tls/0/hosts/0"},
	}
}

test_missing_host_is_refused if {
	obj := {"kind": "Ingress", "spec": {"rules": [{"http": {}}]}}
	{v.path | some v in ingress_host.violations(obj, {"domain": "dev.example.com"})} == {"/spec/rules/0"}
}

test_host_under_domain_passes if {
	count(ingress_host.violations(ingress("web.dev.example.com"), {"domain": "dev.example.com"})) == 0
}

test_suffix_without_dot_is_not_under_the_domain if {
	count(ingress_host.violations(ingress("evildev.example.com"), {"domain": "dev.example.com"})) == 2
}
