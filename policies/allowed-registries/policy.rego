# Images come only from allowed registries; when a mirror is set, only from the mirror (air-gapped
# clusters reach nothing else). Parameters: {mirror: string, allowed: [string]}.
package lib.runlevel.allowed_registries

import data.lib.runlevel.workload

violations(obj, params) := {v |
	some c in workload.containers(obj)
	ref := object.get(c.container, "image", "")
	registry := workload.image(ref).registry
	allowed := registries(params)
	not registry in allowed
	v := {
		"msg": sprintf("container %q image %q comes from %s, not from %s", [c.container.name, ref, registry, concat(", ", sort(allowed))]),
		"path": sprintf("%s/image", [c.path]),
		"container": c.container.name,
	}
}

registries(params) := [params.mirror] if {
	object.get(params, "mirror", "") != ""
}

registries(params) := object.get(params, "allowed", []) if {
	object.get(params, "mirror", "") == ""
}
