# Nothing runs with the node's powers: no privileged container, no host network, PID or IPC
# namespace, and no hostPath volume. Each of these lets a pod own or read the node.
package lib.runlevel.privileged

import data.lib.runlevel.workload

violations(obj, _) := containers(obj) | host(obj)

containers(obj) := {v |
	some c in workload.containers(obj)
	c.container.securityContext.privileged == true
	v := {
		"msg": sprintf("container %q runs privileged", [c.container.name]),
		"path": sprintf("%s/securityContext/privileged", [c.path]),
		"container": c.container.name,
	}
}

_namespaces := {"hostNetwork": "network", "hostPID": "PID", "hostIPC": "IPC"}

host(obj) := namespaces(obj) | volumes(obj)

namespaces(obj) := {v |
	spec := workload.pod_spec(obj)
	some field, what in _namespaces
	spec[field] == true
	v := {
		"msg": sprintf("pod shares the host's %s namespace (%s)", [what, field]),
		"path": sprintf("%s/%s", [workload.pod_spec_path(obj), field]),
	}
}

volumes(obj) := {v |
	spec := workload.pod_spec(obj)
	some i, volume in object.get(spec, "volumes", [])
	volume.hostPath
	v := {
		"msg": sprintf("volume %q mounts the host path %s", [volume.name, object.get(volume.hostPath, "path", "")]),
		"path": sprintf("%s/volumes/%d/hostPath", [workload.pod_spec_path(obj), i]),
	}
}
