package lib.runlevel.run_as_non_root_test

import data.lib.runlevel.run_as_non_root

pod(pod_ctx, ctx) := {"kind": "Pod", "spec": {"securityContext": pod_ctx, "containers": [{"name": "app", "securityContext": ctx}]}}

test_root_possible_is_refused if {
	run_as_non_root.violations(pod({}, {}), {}) == {{
		"msg": "container \"app\" may run as root: runAsNonRoot is not true",
		"path": "/spec/containers/0",
		"container": "app",
	}}
}

test_uid_zero_is_refused_even_with_non_root if {
	vs := run_as_non_root.violations(pod({"runAsNonRoot": true}, {"runAsUser": 0}), {})
	{v.msg | some v in vs} == {"container \"app\" runs as user 0 (root)"}
}

test_container_overrides_pod if {
	count(run_as_non_root.violations(pod({"runAsNonRoot": true}, {"runAsNonRoot": false}), {})) == 1
}

test_non_root_from_pod_passes if {
	count(run_as_non_root.violations(pod({"runAsNonRoot": true, "runAsUser": 1000}, {}), {})) == 0
}
