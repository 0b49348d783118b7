package lib.runlevel.workload_test

import data.lib.runlevel.workload

test_image_docker_hub_short_name if {
	workload.image("nginx") == {"registry": "docker.io", "repository": "library/nginx", "tag": "", "digest": ""}
}

test_image_registry_with_port_and_digest if {
	workload.image("localhost:5000/a/b:1.2@sha256:ab") == {"registry": "localhost:5000", "repository": "a/b", "tag": "1.2", "digest": "sha256:ab"}
}

test_containers_of_a_cronjob_with_pointers if {
	obj := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"initContainers": [{"name": "init"}],
		"containers": [{"name": "main"}],
	}}}}}}
	[c.path | some c in workload.containers(obj)] == [
		"/spec/jobTemplate/spec/template/spec/initContainers/0",
		"/spec/jobTemplate/spec/template/spec/containers/0",
	]
}

test_no_containers_outside_workloads if {
	workload.containers({"kind": "ConfigMap", "data": {}}) == []
}
