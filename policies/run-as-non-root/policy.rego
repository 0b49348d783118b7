# Containers run as non-root: runAsNonRoot true on the container or inherited from the pod, and
# never runAsUser 0 (the kubelet would refuse to start such a pod at the last moment).
package lib.runlevel.run_as_non_root

import data.lib.runlevel.workload

violations(obj, _) := {v |
	pod := object.get(workload.pod_spec(obj), "securityContext", {})
	some c in workload.containers(obj)
	some problem in _problems(object.get(c.container, "securityContext", {}), pod)
	v := {"msg": sprintf("container %q %s", [c.container.name, problem]), "path": c.path, "container": c.container.name}
}

_problems(ctx, pod) := {p |
	some p in [
		_check("may run as root: runAsNonRoot is not true", _non_root(ctx, pod)),
		_check("runs as user 0 (root)", _not_uid0(ctx, pod)),
	]
	p != ""
}

_check(_, true) := ""

_check(msg, false) := msg

_non_root(ctx, pod) := ctx.runAsNonRoot == true if "runAsNonRoot" in object.keys(ctx)

_non_root(ctx, pod) := object.get(pod, "runAsNonRoot", false) == true if not "runAsNonRoot" in object.keys(ctx)

_not_uid0(ctx, pod) := object.get(ctx, "runAsUser", object.get(pod, "runAsUser", -1)) != 0
