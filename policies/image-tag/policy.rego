# Images are pinned: a tag other than latest, or a digest. A moving tag makes a deploy unrepeatable.
package lib.runlevel.image_tag

import data.lib.runlevel.workload

violations(obj, _) := {v |
	some c in workload.containers(obj)
	ref := object.get(c.container, "image", "")
	image := workload.image(ref)
	image.digest == ""
	problem := _problem(image.tag)
	v := {"msg": sprintf("container %q image %q %s", [c.container.name, ref, problem]), "path": sprintf("%s/image", [c.path]), "container": c.container.name}
}

_problem("") := "has no tag"

_problem("latest") := "uses the moving tag latest"
