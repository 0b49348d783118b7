package lib.runlevel.allowed_registries_test

import data.lib.runlevel.allowed_registries

pod(image) := {"kind": "Pod", "spec": {"containers": [{"name": "app", "image": image}]}}

params := {"mirror": "", "allowed": ["quay.io", "docker.io"]}

test_unlisted_registry_is_refused if {
	allowed_registries.violations(pod("evil.example.com/app:1"), params) == {{
		"msg": "container \"app\" image \"evil.example.com/app:1\" comes from evil.example.com, not from docker.io, quay.io",
		"path": "/spec/containers/0/image",
		"container": "app",
	}}
}

test_listed_registry_passes if {
	count(allowed_registries.violations(pod("nginx:1.27.3"), params)) == 0
	count(allowed_registries.violations(pod("quay.io/a/b:1"), params)) == 0
}

test_mirror_replaces_the_allowed_list if {
	with_mirror := object.union(params, {"mirror": "mirror.example.com"})
	count(allowed_registries.violations(pod("quay.io/a/b:1"), with_mirror)) == 1
	count(allowed_registries.violations(pod("mirror.example.com/a/b:1"), with_mirror)) == 0
}

test_mirror_with_a_path_prefix if {
	prefixed := object.union(params, {"mirror": "mirror.example.com:5000/platform"})
	count(allowed_registries.violations(pod("mirror.example.com:5000/platform/quay.io/a/b:1"), prefixed)) == 0
	count(allowed_registries.violations(pod("mirror.example.com:5000/other/quay.io/a/b:1"), prefixed)) == 1
	count(allowed_registries.violations(pod("quay.io/a/b:1"), prefixed)) == 1
}
