package lib.runlevel.privileged_test

import data.lib.runlevel.privileged

pod(ctx) := {"kind": "Pod", "spec": {"containers": [{"name": "app", "image": "x", "securityContext": ctx}]}}

test_privileged_container_is_refused if {
	privileged.violations(pod({"privileged": true}), {}) == {{
		"msg": "container \"app\" runs privileged",
		"path": "/spec/containers/0/securityContext/privileged",
	}}
}

test_unprivileged_container_passes if {
	count(privileged.violations(pod({"privileged": false}), {})) == 0
	count(privileged.violations(pod({}), {})) == 0
}
