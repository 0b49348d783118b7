package lib.runlevel.exceptions_test

import data.lib.runlevel.exceptions

deployment := {
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "team-a", "annotations": {"meta.helm.sh/release-name": "team-a-web"}},
}

violation := {"msg": "m", "path": "/p", "container": "proxy"}

exc(fields) := object.union({"key": "objects[0]", "reason": "why"}, fields)

test_release_exception_covers_every_object_of_the_release if {
	exceptions.covering([exc({"release": "team-a-web"})], deployment, violation) == [{"key": "objects[0]", "reason": "why"}]
	not exceptions.covered([exc({"release": "other"})], deployment, violation)
}

test_object_exception_needs_kind_and_name_and_namespace_when_set if {
	exceptions.covered([exc({"kind": "Deployment", "name": "web"})], deployment, violation)
	exceptions.covered([exc({"kind": "Deployment", "name": "web", "namespace": "team-a"})], deployment, violation)
	not exceptions.covered([exc({"kind": "Deployment", "name": "web", "namespace": "team-b"})], deployment, violation)
	not exceptions.covered([exc({"kind": "StatefulSet", "name": "web"})], deployment, violation)
	not exceptions.covered([exc({"kind": "Deployment", "name": "api"})], deployment, violation)
}

test_container_exception_covers_only_that_container if {
	exceptions.covered([exc({"kind": "Deployment", "name": "web", "container": "proxy"})], deployment, violation)
	not exceptions.covered([exc({"kind": "Deployment", "name": "web", "container": "app"})], deployment, violation)
	pod_level := {"msg": "m", "path": "/spec/hostNetwork"}
	not exceptions.covered([exc({"kind": "Deployment", "name": "web", "container": "proxy"})], deployment, pod_level)
}

test_every_covering_exception_is_listed if {
	list := [exc({"key": "releases[0]", "release": "team-a-web"}), exc({"key": "objects[3]", "kind": "Deployment", "name": "web"})]
	{e.key | some e in exceptions.covering(list, deployment, violation)} == {"releases[0]", "objects[3]"}
}

test_no_exceptions_cover_nothing if {
	not exceptions.covered([], deployment, violation)
}

pod_of(owner_kind, owner_name, labels) := {
	"kind": "Pod",
	"metadata": {
		"name": "web-5d8f9c7b6-x2x9z", "namespace": "team-a", "labels": labels,
		"ownerReferences": [{"kind": owner_kind, "name": owner_name, "controller": true}],
	},
}

test_pods_of_an_excepted_deployment_are_covered_in_the_cluster if {
	pod := pod_of("ReplicaSet", "web-5d8f9c7b6", {"pod-template-hash": "5d8f9c7b6", "app.kubernetes.io/instance": "team-a-web"})
	exceptions.covered([exc({"kind": "Deployment", "name": "web"})], pod, violation)
	exceptions.covered([exc({"kind": "ReplicaSet", "name": "web-5d8f9c7b6"})], pod, violation)
	exceptions.covered([exc({"release": "team-a-web"})], pod, violation)
	not exceptions.covered([exc({"kind": "Deployment", "name": "web", "namespace": "team-b"})], pod, violation)
	not exceptions.covered([exc({"kind": "Deployment", "name": "api"})], pod, violation)
}

test_a_replicaset_without_the_hash_suffix_names_no_deployment if {
	pod := pod_of("ReplicaSet", "web", {"pod-template-hash": "5d8f9c7b6"})
	not exceptions.covered([exc({"kind": "Deployment", "name": "web"})], pod, violation)
}

test_jobs_of_an_excepted_cronjob_are_covered if {
	job_pod := pod_of("Job", "backup-28930140", {})
	exceptions.covered([exc({"kind": "CronJob", "name": "backup"})], job_pod, violation)
	exceptions.covered([exc({"kind": "Job", "name": "backup-28930140"})], job_pod, violation)
}

test_an_owner_that_is_not_the_controller_is_not_a_subject if {
	pod := {"kind": "Pod", "metadata": {"name": "p", "namespace": "team-a", "ownerReferences": [{"kind": "StatefulSet", "name": "db"}]}}
	not exceptions.covered([exc({"kind": "StatefulSet", "name": "db"})], pod, violation)
}

test_a_namespace_is_inside_itself if {
	ns := {"kind": "Namespace", "metadata": {"name": "team-a"}}
	exceptions.covered([exc({"kind": "Namespace", "name": "team-a", "namespace": "team-a"})], ns, {"msg": "m", "path": "/metadata/name"})
}
