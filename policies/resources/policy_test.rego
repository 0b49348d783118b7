package lib.runlevel.resources_test

import data.lib.runlevel.resources

deployment(res) := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "web", "resources": res}]}}}}

test_missing_limits_are_named if {
	resources.violations(deployment({"requests": {"cpu": "50m", "memory": "64Mi"}}), {}) == {{
		"msg": "container \"web\" has no resources limits.cpu, limits.memory",
		"path": "/spec/template/spec/containers/0/resources",
		"container": "web",
	}}
}

test_requests_and_limits_pass if {
	full := {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": 1, "memory": "256Mi"}}
	count(resources.violations(deployment(full), {})) == 0
}
