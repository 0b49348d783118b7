package lib.runlevel.team_network_policy_test

import data.lib.runlevel.team_network_policy

ns(name) := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}

test_team_namespace_without_policy_is_refused if {
	team_network_policy.violations(ns("team-a"), {"networkPolicyNamespaces": {"team-b"}}) == {{
		"msg": "team namespace \"team-a\" has no NetworkPolicy",
		"path": "/metadata/name",
	}}
}

test_team_namespace_with_policy_passes if {
	count(team_network_policy.violations(ns("team-a"), {"networkPolicyNamespaces": {"team-a"}})) == 0
}

test_other_namespaces_are_not_team_namespaces if {
	count(team_network_policy.violations(ns("ingress-system"), {"networkPolicyNamespaces": set()})) == 0
}
