package crdvalidate

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsjson "sigs.k8s.io/json"
)

// builtin is a Kubernetes kind no CRD defines, checked by strictly decoding
// it into its Go type.
type builtin struct {
	newObject func() any
	// check checks the decoded object beyond its Go type.
	check func(obj any) field.ErrorList
}

// builtins are the built-in kinds the function composes. Every other kind
// needs a CRD.
var builtins = map[schema.GroupVersionKind]builtin{
	storagev1.SchemeGroupVersion.WithKind("StorageClass"): {
		newObject: func() any { return &storagev1.StorageClass{} },
		check: func(obj any) field.ErrorList {
			sc, ok := obj.(*storagev1.StorageClass)
			if !ok {
				return nil
			}
			errs := checkObjectMeta(&sc.ObjectMeta, false, field.NewPath("metadata"))
			if sc.Provisioner == "" {
				errs = append(errs, field.Required(field.NewPath("provisioner"), ""))
			}
			return errs
		},
	},
	corev1.SchemeGroupVersion.WithKind("Secret"): {
		newObject: func() any { return &corev1.Secret{} },
		check: func(obj any) field.ErrorList {
			s, ok := obj.(*corev1.Secret)
			if !ok {
				return nil
			}
			return checkObjectMeta(&s.ObjectMeta, true, field.NewPath("metadata"))
		},
	},
	corev1.SchemeGroupVersion.WithKind("ConfigMap"): {
		newObject: func() any { return &corev1.ConfigMap{} },
		check: func(obj any) field.ErrorList {
			cm, ok := obj.(*corev1.ConfigMap)
			if !ok {
				return nil
			}
			return checkObjectMeta(&cm.ObjectMeta, true, field.NewPath("metadata"))
		},
	},
}

func (b builtin) validate(u map[string]any) field.ErrorList {
	raw, err := utiljson.Marshal(u)
	if err != nil {
		return field.ErrorList{pathError(nil, err.Error())}
	}
	obj := b.newObject()
	errs, ferr := strictDecode(raw, obj, nil)
	if ferr != nil {
		return append(errs, ferr)
	}
	return append(errs, b.check(obj)...)
}

// strictDecode decodes data into v. A value of the wrong type (or bad
// base64) stops decoding and is returned on its own; unknown and duplicate
// fields, matched case-sensitively as the API server does, are returned as
// errors under parent.
func strictDecode(data []byte, v any, parent *field.Path) (field.ErrorList, *field.Error) {
	if err := json.Unmarshal(data, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, field.TypeInvalid(parsePath(parent, te.Field), te.Value, "must be of type "+jsonType(te.Type))
		}
		return nil, pathError(parent, fmt.Sprintf("cannot decode: %v", err))
	}
	strict, err := sigsjson.UnmarshalStrict(data, v, sigsjson.DisallowUnknownFields, sigsjson.DisallowDuplicateFields)
	if err != nil {
		return nil, pathError(parent, fmt.Sprintf("cannot decode: %v", err))
	}
	var errs field.ErrorList
	for _, s := range strict {
		var fe sigsjson.FieldError
		if !errors.As(s, &fe) {
			errs = append(errs, pathError(parent, s.Error()))
			continue
		}
		p := parsePath(parent, fe.FieldPath())
		if strings.HasPrefix(s.Error(), "duplicate field") {
			errs = append(errs, field.Duplicate(p, nil))
		} else {
			errs = append(errs, unknownField(p))
		}
	}
	return errs, nil
}

// jsonType names the JSON type of a Go type, for messages.
func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	default:
		return "object"
	}
}

// pathError is an error of the object at p, or of the whole object when p
// is nil.
func pathError(p *field.Path, detail string) *field.Error {
	if p == nil {
		return &field.Error{Type: field.ErrorTypeInvalid, Field: "", BadValue: nil, Detail: detail}
	}
	return field.Invalid(p, nil, detail)
}
