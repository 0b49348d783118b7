package lib.runlevel.image_tag_test

import data.lib.runlevel.image_tag

pod(image) := {"kind": "Pod", "spec": {"containers": [{"name": "app", "image": image}]}}

test_latest_is_refused if {
	image_tag.violations(pod("nginx:latest"), {}) == {{
		"msg": "container \"app\" image \"nginx:latest\" uses the moving tag latest",
		"path": "/spec/containers/0/image",
		"container": "app",
	}}
}

test_missing_tag_is_refused if {
	some v in image_tag.violations(pod("registry.example.com:5000/team/app"), {})
	v.msg == "container \"app\" image \"registry.example.com:5000/team/app\" has no tag"
}

test_pinned_tag_or_digest_passes if {
	count(image_tag.violations(pod("nginx:1.27.3"), {})) == 0
	count(image_tag.violations(pod("nginx@sha256:0123"), {})) == 0
}
