package lib.runlevel.privileged_test

import data.lib.runlevel.privileged

pod(ctx) := {"kind": "Pod", "spec": {"containers": [{"name": "app", "image": "x", "securityContext": ctx}]}}

test_privileged_container_is_refused if {
	privileged.violations(pod({"privileged": true}), {}) == {{
		"msg": "container \"app\" runs privileged",
		"path": "/spec/containers/0/securityContext/privileged",
		"container": "app",
	}}
}

test_unprivileged_container_passes if {
	count(privileged.violations(pod({"privileged": false}), {})) == 0
	count(privileged.violations(pod({}), {})) == 0
}

node_agent(pod_spec) := {"kind": "DaemonSet", "spec": {"template": {"spec": object.union(
	{"containers": [{"name": "agent", "image": "x"}]},
	pod_spec,
)}}}

test_host_namespaces_are_refused_each_at_its_field if {
	vs := privileged.violations(node_agent({"hostNetwork": true, "hostPID": true, "hostIPC": true}), {})
	vs == {
		{"msg": "pod shares the host's network namespace (hostNetwork)", "path": "/spec/template/spec/hostNetwork"},
		{"msg": "pod shares the host's PID namespace (hostPID)", "path": "/spec/template/spec/hostPID"},
		{"msg": "pod shares the host's IPC namespace (hostIPC)", "path": "/spec/template/spec/hostIPC"},
	}
}

test_host_namespaces_set_false_pass if {
	count(privileged.violations(node_agent({"hostNetwork": false, "hostPID": false, "hostIPC": false}), {})) == 0
}

test_host_path_volume_is_refused_other_volumes_pass if {
	spec := {"volumes": [
		{"name": "cache", "emptyDir": {}},
		{"name": "proc", "hostPath": {"path": "/proc"}},
	]}
	privileged.violations(node_agent(spec), {}) == {{
		"msg": "volume \"proc\" mounts the host path /proc",
		"path": "/spec/template/spec/volumes/1/hostPath",
	}}
}

test_host_access_of_a_cronjob_pod if {
	obj := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"hostNetwork": true,
		"containers": [{"name": "c"}],
	}}}}}}
	{v.path | some v in privileged.violations(obj, {})} == {"/spec/jobTemplate/spec/template/spec/hostNetwork"}
}

test_objects_without_a_pod_spec_pass if {
	count(privileged.violations({"kind": "ConfigMap", "data": {"hostNetwork": "true"}}, {})) == 0
}
