# No container runs privileged: a privileged container owns the node.
package lib.runlevel.privileged

import data.lib.runlevel.workload

violations(obj, _) := {v |
	some c in workload.containers(obj)
	c.container.securityContext.privileged == true
	v := {"msg": sprintf("container %q runs privileged", [c.container.name]), "path": sprintf("%s/securityContext/privileged", [c.path])}
}
