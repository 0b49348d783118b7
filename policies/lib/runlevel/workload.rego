# Shared helpers over one Kubernetes object: where a workload keeps its pod spec and containers,
# and how an image reference splits into registry, repository, tag and digest.
# Gatekeeper loads this file as a template lib, so it may only refer to data.lib.*.
package lib.runlevel.workload

# pod_spec_path is the JSON pointer of the pod spec inside each workload kind.
pod_spec_path(obj) := "/spec" if obj.kind == "Pod"

pod_spec_path(obj) := "/spec/template/spec" if {
	obj.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}
}

pod_spec_path(obj) := "/spec/jobTemplate/spec/template/spec" if obj.kind == "CronJob"

pod_spec(obj) := spec if {
	path := pod_spec_path(obj)
	spec := object.get(obj, split(trim_prefix(path, "/"), "/"), {})
}

# containers lists every container of a workload with the pointer to it, init and ephemeral ones too.
containers(obj) := [c |
	spec := pod_spec(obj)
	some field in ["initContainers", "containers", "ephemeralContainers"]
	some i, container in object.get(spec, field, [])
	c := {"container": container, "path": sprintf("%s/%s/%d", [pod_spec_path(obj), field, i]), "field": field}
]

# image splits a reference the way the container runtime resolves it: a first component with a
# dot or colon, or "localhost", names a registry; otherwise it is Docker Hub.
image(ref) := {"registry": registry, "repository": repository, "tag": tag, "digest": digest} if {
	name_digest := split(ref, "@")
	digest := _second(name_digest)
	parts := split(name_digest[0], "/")
	registry := _registry(parts)
	last := parts[count(parts) - 1]
	name_tag := split(last, ":")
	tag := _second(name_tag)
	repository := concat("/", array.concat(_repo_prefix(parts), [name_tag[0]]))
}

_registry(parts) := parts[0] if {
	count(parts) > 1
	_is_host(parts[0])
}

_registry(parts) := "docker.io" if {
	count(parts) == 1
}

_registry(parts) := "docker.io" if {
	count(parts) > 1
	not _is_host(parts[0])
}

_is_host(s) if contains(s, ".")

_is_host(s) if contains(s, ":")

_is_host("localhost")

_repo_prefix(parts) := array.slice(parts, 1, count(parts) - 1) if {
	count(parts) > 1
	_is_host(parts[0])
}

_repo_prefix(parts) := prefix if {
	not _is_host(parts[0])
	count(parts) > 1
	prefix := array.slice(parts, 0, count(parts) - 1)
}

_repo_prefix(parts) := ["library"] if count(parts) == 1

_second(arr) := arr[1] if count(arr) > 1

_second(arr) := "" if count(arr) < 2
