# The static enforcement point: `runlevel check` evaluates data.runlevel.check.findings once over
# every rendered object. input:
#   objects:  [object, ...]   (metadata.namespace filled in from the release where the chart left it out)
#   policies: {<id>: {enabled, enforcement: deny|warn, excludedNamespaces: [..], parameters: {..}}}
#             parameters.exceptions: [{key, reason, release?, kind?, name?, namespace?, container?}]
#   (each object carries helm's meta.helm.sh/release-name annotation, as helm will add it)
# A finding lists the exceptions that cover it (key and reason): check reports those as excepted.
# Each line below hands one object to one policy library; the libraries are the same files the
# runlevel-10 chart puts into the Gatekeeper ConstraintTemplates. catalog_test.rego checks that
# every policy in catalog.yaml is wired here.
package runlevel.check

import data.lib.runlevel.allowed_registries
import data.lib.runlevel.exceptions
import data.lib.runlevel.image_tag
import data.lib.runlevel.ingress_host
import data.lib.runlevel.privileged
import data.lib.runlevel.resources
import data.lib.runlevel.run_as_non_root
import data.lib.runlevel.team_network_policy

findings contains f if {
	p := enabled("privileged")
	some i, obj in input.objects
	not excluded(p, obj)
	some v in privileged.violations(obj, p.parameters)
	f := finding("privileged", i, obj, v, p)
}

findings contains f if {
	p := enabled("resources")
	some i, obj in input.objects
	not excluded(p, obj)
	some v in resources.violations(obj, p.parameters)
	f := finding("resources", i, obj, v, p)
}

findings contains f if {
	p := enabled("image-tag")
	some i, obj in input.objects
	not excluded(p, obj)
	some v in image_tag.violations(obj, p.parameters)
	f := finding("image-tag", i, obj, v, p)
}

findings contains f if {
	p := enabled("allowed-registries")
	some i, obj in input.objects
	not excluded(p, obj)
	some v in allowed_registries.violations(obj, p.parameters)
	f := finding("allowed-registries", i, obj, v, p)
}

findings contains f if {
	p := enabled("run-as-non-root")
	some i, obj in input.objects
	not excluded(p, obj)
	some v in run_as_non_root.violations(obj, p.parameters)
	f := finding("run-as-non-root", i, obj, v, p)
}

findings contains f if {
	p := enabled("team-network-policy")
	some i, obj in input.objects
	not excluded(p, obj)
	params := object.union(p.parameters, {"networkPolicyNamespaces": network_policy_namespaces})
	some v in team_network_policy.violations(obj, params)
	f := finding("team-network-policy", i, obj, v, p)
}

findings contains f if {
	p := enabled("ingress-host")
	some i, obj in input.objects
	not excluded(p, obj)
	some v in ingress_host.violations(obj, p.parameters)
	f := finding("ingress-host", i, obj, v, p)
}

network_policy_namespaces contains ns if {
	some obj in input.objects
	obj.kind == "NetworkPolicy"
	ns := obj.metadata.namespace
}

# enabled(id) is the policy's settings when it is switched on; excluded(p, obj) holds for an object
# in an excepted namespace (the same list Gatekeeper gets as match.excludedNamespaces).
enabled(id) := p if {
	p := input.policies[id]
	p.enabled == true
}

excluded(p, obj) if namespace_of(obj) in object.get(p, "excludedNamespaces", [])

# A Namespace counts as inside itself, as Gatekeeper's match does.
namespace_of(obj) := obj.metadata.name if obj.kind == "Namespace"

namespace_of(obj) := object.get(obj.metadata, "namespace", "") if obj.kind != "Namespace"

finding(id, i, obj, v, p) := {
	"policy": id, "object": i, "msg": v.msg, "path": v.path, "enforcement": p.enforcement,
	"container": object.get(v, "container", ""),
	"exceptions": exceptions.covering(object.get(p.parameters, "exceptions", []), obj, v),
}
