package validate

// node is one level of the hand-written structural schema of an
// Application: a transcription of the openAPIV3Schema in KubeVela's CRD
// core.oam.dev_applications.yaml (v1.10.9), spec subtree and metadata.
// schema_test.go compares it with the CRD so the two cannot drift apart.
type node struct {
	// typ is the OpenAPI type: "object", "array", "string" or "" (any).
	typ string
	// props are an object's declared properties; nil with open set means
	// x-kubernetes-preserve-unknown-fields (anything goes).
	props map[string]*node
	// open marks an object that keeps unknown fields.
	open bool
	// items is an array's element schema.
	items *node
	// required lists the properties the CRD marks required.
	required []string
	// alsoRequired lists properties KubeVela or Kubernetes need although
	// the CRD does not mark them required; each is explained in why.
	alsoRequired []string
	why          string
	// nullable is the CRD's nullable flag.
	nullable bool
	// role marks the list items Validate checks against definitions:
	// kindComponent, kindTrait, kindPolicy or kindStep.
	role string
}

func str() *node                   { return &node{typ: "string"} }
func strList() *node               { return &node{typ: "array", items: str()} }
func list(items *node) *node       { return &node{typ: "array", items: items} }
func openObject() *node            { return &node{typ: "object", open: true} }
func obj(p map[string]*node) *node { return &node{typ: "object", props: p} }

// inputs and outputs are the StepInputs/StepOutputs lists shared by
// components, steps and sub-steps.
func inputs() *node {
	n := obj(map[string]*node{"from": str(), "parameterKey": str()})
	n.required = []string{"from"}
	return list(n)
}

func outputs() *node {
	n := obj(map[string]*node{"name": str(), "valueFrom": str()})
	n.required = []string{"name", "valueFrom"}
	return list(n)
}

// stepBase holds the properties steps and sub-steps share.
func stepBase() map[string]*node {
	return map[string]*node{
		"dependsOn":  strList(),
		"if":         str(),
		"inputs":     inputs(),
		"meta":       obj(map[string]*node{"alias": str()}),
		"name":       str(),
		"outputs":    outputs(),
		"properties": openObject(),
		"timeout":    str(),
		"type":       str(),
	}
}

const stepNameWhy = "KubeVela identifies workflow steps by name (dependsOn, inputs, status) and rejects duplicate names, so unnamed steps collide; the CRD does not mark it required"

// application is the structural schema of an Application's metadata and spec.
var application = func() *node {
	trait := obj(map[string]*node{"properties": openObject(), "type": str()})
	trait.required = []string{"type"}
	trait.role = kindTrait

	component := obj(map[string]*node{
		"dependsOn":        strList(),
		"externalRevision": str(),
		"inputs":           inputs(),
		"name":             str(),
		"outputs":          outputs(),
		"properties":       openObject(),
		"scopes":           openObject(),
		"traits":           list(trait),
		"type":             str(),
	})
	component.required = []string{"name", "type"}
	component.role = kindComponent

	policy := obj(map[string]*node{"name": str(), "properties": openObject(), "type": str()})
	policy.required = []string{"type"}
	policy.role = kindPolicy
	// No name is fine: KubeVela applies anonymous policies (its e2e test
	// app-anonymous-policies.yaml); only deploy steps cannot refer to them.

	subStep := obj(stepBase())
	subStep.required = []string{"type"}
	subStep.role = kindStep
	subStep.alsoRequired = []string{"name"}
	subStep.why = stepNameWhy

	stepProps := stepBase()
	stepProps["mode"] = &node{typ: "string", nullable: true}
	stepProps["subSteps"] = list(subStep)
	step := obj(stepProps)
	step.required = []string{"type"}
	step.role = kindStep
	step.alsoRequired = []string{"name"}
	step.why = stepNameWhy

	spec := obj(map[string]*node{
		"components": list(component),
		"policies":   list(policy),
		"workflow": obj(map[string]*node{
			"mode":  obj(map[string]*node{"steps": str(), "subSteps": str()}),
			"ref":   str(),
			"steps": list(step),
		}),
	})
	spec.required = []string{"components"}

	metadata := openObject()
	metadata.alsoRequired = []string{"name"}
	metadata.why = "every Kubernetes object needs metadata.name (generateName only works with create)"

	return obj(map[string]*node{
		"apiVersion": str(),
		"kind":       str(),
		"metadata":   metadata,
		"spec":       spec,
		"status":     openObject(), // written by the controller; not checked
	})
}()
