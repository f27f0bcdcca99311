package crdvalidate

import (
	"context"
	"fmt"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// CEL limits. The API server uses a per-call limit of 1e6 and a budget of
// 1e7 per object; tests should fail on a broken rule, never on a budget, so
// both are 100 times larger here.
const (
	celPerCallLimit = 100 * 1000000
	celCostBudget   = 100 * 10000000
)

// compiledSchema is one compiled OpenAPI v3 schema of a CRD or XRD version.
type compiledSchema struct {
	structural *structuralschema.Structural
	openapi    apiservervalidation.SchemaValidator
	cel        *cel.Validator // nil when the schema has no CEL rules
}

func newSchema(v1 *apiextensionsv1.JSONSchemaProps) (*compiledSchema, error) {
	if v1 == nil {
		return nil, fmt.Errorf("no openAPIV3Schema")
	}
	internal := &apiextensions.JSONSchemaProps{}
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v1, internal, nil); err != nil {
		return nil, fmt.Errorf("cannot convert the schema: %w", err)
	}
	s, err := structuralschema.NewStructural(internal)
	if err != nil {
		return nil, fmt.Errorf("the schema is not structural: %w", err)
	}
	if errs := structuralschema.ValidateStructural(field.NewPath("openAPIV3Schema"), s); len(errs) > 0 {
		return nil, fmt.Errorf("the schema is not structural: %w", errs.ToAggregate())
	}
	// Like the API server: defaults are pruned to what the schema knows.
	s = s.DeepCopy()
	if err := defaulting.PruneDefaults(s); err != nil {
		return nil, fmt.Errorf("cannot prune the schema's defaults: %w", err)
	}
	openapi, _, err := apiservervalidation.NewSchemaValidator(internal)
	if err != nil {
		return nil, fmt.Errorf("cannot build the OpenAPI validator: %w", err)
	}
	return &compiledSchema{structural: s, openapi: openapi, cel: cel.NewValidator(s, true, celPerCallLimit)}, nil
}

// defaultObject applies the schema's defaults to obj in place.
func (s *compiledSchema) defaultObject(obj map[string]any) {
	defaulting.Default(obj, s.structural)
}

// validate checks obj, a normalised copy it may change, as the API server
// checks a created custom resource: unknown fields (which pruning would
// drop) are errors, then defaults are applied, then the OpenAPI schema,
// embedded resources, list types and, if none of those errors blocks them,
// the CEL rules are checked. ObjectMeta itself is left to the caller.
func (s *compiledSchema) validate(obj map[string]any) field.ErrorList {
	var errs field.ErrorList
	unknown := pruning.PruneWithOptions(obj, s.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, u := range unknown {
		errs = append(errs, unknownField(parsePath(nil, u)))
	}
	defaulting.PruneNonNullableNullsWithoutDefaults(obj, s.structural)
	if ferr, paths := schemaobjectmeta.CoerceWithOptions(nil, obj, s.structural, false, schemaobjectmeta.CoerceOptions{ReturnUnknownFieldPaths: true}); ferr != nil {
		errs = append(errs, ferr)
	} else {
		for _, u := range paths {
			errs = append(errs, unknownField(parsePath(nil, u)))
		}
	}
	s.defaultObject(obj)

	errs = append(errs, apiservervalidation.ValidateCustomResource(nil, obj, s.openapi)...)
	errs = append(errs, schemaobjectmeta.Validate(context.Background(), nil, obj, s.structural, false)...)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, s.structural, obj)...)
	if s.cel != nil {
		if blocking(errs) {
			errs = append(errs, pathError(nil, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"))
		} else {
			celErrs, _ := s.cel.Validate(context.Background(), nil, s.structural, obj, nil, celCostBudget)
			errs = append(errs, celErrs...)
		}
	}
	return errs
}

// blocking says whether errs stop the API server from evaluating CEL rules.
func blocking(errs field.ErrorList) bool {
	for _, e := range errs {
		switch e.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return true
		default:
		}
	}
	return false
}

// unknownField is the error of a field no schema declares.
func unknownField(p *field.Path) *field.Error {
	return field.Forbidden(p, "unknown field: the schema does not declare it, so the API server would drop it")
}
