# Which of a policy's exceptions cover one violation. Both enforcement points call it: the static
# check over the render and Gatekeeper at admission, with the same list (policy parameter
# `exceptions`, built from values platform.policies.<id>.exceptions.releases and .objects):
#   [{key, reason, release?, kind?, name?, namespace?, container?}]
# An exception covers a violation when every field it sets matches. Subjects are the object itself
# (its release is helm's meta.helm.sh/release-name annotation, which the static check fills in
# from the render) and, in the cluster, the workload that owns it, so the Pods and ReplicaSets a
# controller makes from an excepted Deployment are excepted too. An owner is known by the
# object's controller ownerReference (a Pod's ReplicaSet named <deployment>-<pod-template-hash>;
# a Job named <cronjob>-<schedule>), and its release by the app.kubernetes.io/instance label: the
# exception reaches only objects named as the excepted ones, in the namespace the exception sets.
# Gatekeeper loads this file as a template lib, so it may only refer to data.lib.* (and the
# gatekeeper-entry test reads any `data.` in the text as a reference: objects are read with object.get).
package lib.runlevel.exceptions

# covering(exceptions, obj, v) lists {key, reason} of each exception that covers violation v of obj.
covering(exceptions, obj, v) := [{"key": e.key, "reason": e.reason} |
	some e in exceptions
	_covers_any(e, obj, v)
]

covered(exceptions, obj, v) if count(covering(exceptions, obj, v)) > 0

_covers_any(e, obj, v) if {
	some s in subjects(obj)
	_covers(e, s, v)
}

_covers(e, s, v) if {
	every field in ["release", "kind", "name", "namespace"] {
		_same(e, field, object.get(s, field, ""))
	}
	_same(e, "container", object.get(v, "container", ""))
}

_same(e, field, _) if not field in object.keys(e)

_same(e, field, value) if e[field] == value

subjects(obj) := array.concat([_self(obj)], [s | some s in _owners(obj)])

_self(obj) := {
	"release": object.get(obj, ["metadata", "annotations", "meta.helm.sh/release-name"], ""),
	"kind": obj.kind,
	"name": object.get(obj, ["metadata", "name"], ""),
	"namespace": _namespace(obj),
}

_namespace(obj) := object.get(obj, ["metadata", "name"], "") if obj.kind == "Namespace"

_namespace(obj) := object.get(obj, ["metadata", "namespace"], "") if obj.kind != "Namespace"

_controller(obj) := ref if {
	some ref in object.get(obj, ["metadata", "ownerReferences"], [])
	ref.controller == true
}

_owner(obj, kind, name) := {
	"release": object.get(obj, ["metadata", "labels", "app.kubernetes.io/instance"], ""),
	"kind": kind,
	"name": name,
	"namespace": _namespace(obj),
}

# The controller itself, and the Deployment behind a ReplicaSet or the CronJob behind a Job.
_owners(obj) := {o |
	ref := _controller(obj)
	some o in ({_owner(obj, ref.kind, ref.name)} | _grand_owner(obj, ref))
}

_grand_owner(obj, ref) := {_owner(obj, "Deployment", trim_suffix(ref.name, suffix))} if {
	ref.kind == "ReplicaSet"
	hash := object.get(obj, ["metadata", "labels", "pod-template-hash"], "")
	hash != ""
	suffix := concat("", ["-", hash])
	endswith(ref.name, suffix)
} else := {_owner(obj, "CronJob", parts[1])} if {
	ref.kind == "Job"
	parts := regex.find_all_string_submatch_n(`^(.+)-[0-9]+$`, ref.name, 1)[0]
} else := set()
