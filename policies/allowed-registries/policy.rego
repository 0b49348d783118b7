# Images come only from allowed registries; when a mirror is set, only from the mirror (air-gapped
# clusters reach nothing else). The mirror may carry a path prefix (host[:port][/prefix]): an image
# is in it when it starts with that prefix. Parameters: {mirror: string, allowed: [string]}.
package lib.runlevel.allowed_registries

import data.lib.runlevel.workload

violations(obj, params) := {v |
	some c in workload.containers(obj)
	ref := object.get(c.container, "image", "")
	not allowed_image(ref, params)
	v := {
		"msg": sprintf("container %q image %q comes from %s, not from %s", [c.container.name, ref, workload.image(ref).registry, concat(", ", sort(registries(params)))]),
		"path": sprintf("%s/image", [c.path]),
		"container": c.container.name,
	}
}

allowed_image(ref, params) if {
	mirror := trim_right(object.get(params, "mirror", ""), "/")
	mirror != ""
	startswith(ref, concat("", [mirror, "/"]))
}

allowed_image(ref, params) if {
	object.get(params, "mirror", "") == ""
	workload.image(ref).registry in registries(params)
}

registries(params) := [params.mirror] if {
	object.get(params, "mirror", "") != ""
}

registries(params) := object.get(params, "allowed", []) if {
	object.get(params, "mirror", "") == ""
}
