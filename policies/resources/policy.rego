# Every container declares cpu and memory requests and limits, so quotas and scheduling hold.
package lib.runlevel.resources

import data.lib.runlevel.workload

violations(obj, _) := {v |
	some c in workload.containers(obj)
	c.field != "ephemeralContainers" # the API forbids resources on ephemeral containers
	missing := [sprintf("%s.%s", [kind, res]) |
		some kind in ["requests", "limits"]
		some res in ["cpu", "memory"]
		not _set(c.container, kind, res)
	]
	count(missing) > 0
	v := {
		"msg": sprintf("container %q has no resources %s", [c.container.name, concat(", ", missing)]),
		"path": _path(c),
		"container": c.container.name,
	}
}

_set(container, kind, res) if {
	value := container.resources[kind][res]
	value != null
	value != ""
}

_path(c) := sprintf("%s/resources", [c.path]) if c.container.resources

_path(c) := c.path if not c.container.resources
