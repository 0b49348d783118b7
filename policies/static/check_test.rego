package runlevel.check_test

import data.runlevel.check

settings(overrides) := object.union(
	{"enabled": true, "enforcement": "deny", "excludedNamespaces": [], "parameters": {"mirror": "", "allowed": ["docker.io"], "domain": "dev.example.com"}},
	overrides,
)

all_policies(overrides) := {id: settings(overrides) | some id, _ in data.catalog}

# One object that breaks every workload policy, a team namespace without NetworkPolicy, a bad Ingress.
bad_objects := [
	{"kind": "Deployment", "metadata": {"name": "web", "namespace": "team-a"}, "spec": {"template": {"spec": {"containers": [{
		"name": "web",
		"image": "evil.example.org/web:latest",
		"securityContext": {"privileged": true},
	}]}}}},
	{"kind": "Namespace", "metadata": {"name": "team-a"}},
	{"kind": "Ingress", "metadata": {"name": "web", "namespace": "team-a"}, "spec": {"rules": [{"host": "web.other.org"}]}},
]

test_every_catalog_policy_is_wired_into_the_static_entry if {
	ids := {f.policy | some f in check.findings with input as {"objects": bad_objects, "policies": all_policies({})}}
	ids == {id | some id, _ in data.catalog}
}

test_finding_names_object_index_path_and_enforcement if {
	fs := check.findings with input as {"objects": bad_objects, "policies": {"privileged": settings({"enforcement": "warn"})}}
	fs == {{
		"policy": "privileged", "object": 0, "enforcement": "warn",
		"msg": "container \"web\" runs privileged",
		"path": "/spec/template/spec/containers/0/securityContext/privileged",
		"container": "web", "exceptions": [],
	}}
}

test_disabled_policy_finds_nothing if {
	count(check.findings) == 0 with input as {"objects": bad_objects, "policies": all_policies({"enabled": false})}
}

test_excluded_namespace_finds_nothing_there if {
	fs := check.findings with input as {"objects": bad_objects, "policies": all_policies({"excludedNamespaces": ["team-a"]})}
	count(fs) == 0
}

test_network_policy_in_the_namespace_satisfies_the_team_rule if {
	objects := array.concat(bad_objects, [{"kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "team-a"}}])
	fs := check.findings with input as {"objects": objects, "policies": {"team-network-policy": settings({})}}
	count(fs) == 0
}

# The render's objects carry the release as helm will annotate it.
in_release(obj, release) := object.union(obj, {"metadata": {"annotations": {"meta.helm.sh/release-name": release}}})

with_exceptions(list) := {"privileged": settings({"parameters": {"exceptions": list}})}

test_an_exception_marks_the_finding_with_its_key_and_reason if {
	objects := [in_release(bad_objects[0], "team-a-web")]
	list := [{"key": "platform.policies.privileged.exceptions.releases[0]", "reason": "vendor agent", "release": "team-a-web"}]
	fs := check.findings with input as {"objects": objects, "policies": with_exceptions(list)}
	[f.exceptions | some f in fs] == [[{"key": "platform.policies.privileged.exceptions.releases[0]", "reason": "vendor agent"}]]
}

test_an_exception_for_another_object_or_container_leaves_the_finding_unexcepted if {
	objects := [in_release(bad_objects[0], "team-a-web")]
	list := [
		{"key": "k0", "reason": "r", "kind": "Deployment", "name": "api"},
		{"key": "k1", "reason": "r", "kind": "Deployment", "name": "web", "container": "sidecar"},
		{"key": "k2", "reason": "r", "release": "other"},
	]
	fs := check.findings with input as {"objects": objects, "policies": with_exceptions(list)}
	[f.exceptions | some f in fs] == [[]]
}

test_a_container_exception_covers_that_container if {
	list := [{"key": "k", "reason": "r", "kind": "Deployment", "name": "web", "namespace": "team-a", "container": "web"}]
	fs := check.findings with input as {"objects": [bad_objects[0]], "policies": with_exceptions(list)}
	[f.exceptions | some f in fs] == [[{"key": "k", "reason": "r"}]]
}

test_host_namespaces_reach_the_static_entry if {
	ds := {"kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "monitoring"}, "spec": {"template": {"spec": {
		"hostPID": true,
		"containers": [{"name": "agent", "image": "docker.io/x:1"}],
	}}}}
	fs := check.findings with input as {"objects": [ds], "policies": {"privileged": settings({})}}
	{f.path | some f in fs} == {"/spec/template/spec/hostPID"}
}
