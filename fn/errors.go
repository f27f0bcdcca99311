package fn

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Bounds of a Fatal message: a result is written to the XR's events and
// conditions, so echoing a megabyte of the user's input back helps no one.
const (
	maxEchoedValue  = 256
	maxDetail       = 512
	maxListedErrors = 20
)

// FormatErrors joins field errors into one message, each with its path:
// the first maxListedErrors of them, each value echoed and each detail cut
// to a few hundred bytes.
func FormatErrors(errs field.ErrorList) string {
	n := min(len(errs), maxListedErrors)
	msgs := make([]string, 0, n+1)
	for _, e := range errs[:n] {
		msgs = append(msgs, bounded(e).Error())
	}
	if more := len(errs) - n; more > 0 {
		msgs = append(msgs, fmt.Sprintf("and %d more", more))
	}
	return strings.Join(msgs, "; ")
}

// bounded is e with its value and detail cut to their bounds.
func bounded(e *field.Error) *field.Error {
	c := *e
	switch c.Type {
	case field.ErrorTypeInvalid, field.ErrorTypeTypeInvalid, field.ErrorTypeNotSupported,
		field.ErrorTypeNotFound, field.ErrorTypeDuplicate, field.ErrorTypeTooMany, field.ErrorTypeTooFew:
		// Render the value the way field.Error does, then cut it.
		v := strings.TrimPrefix((&field.Error{Type: field.ErrorTypeInvalid, BadValue: c.BadValue}).ErrorBody(),
			field.ErrorTypeInvalid.String()+": ")
		if len(v) > maxEchoedValue {
			c.BadValue = fmt.Sprintf("%s... (%d bytes)", cut(v, maxEchoedValue), len(v))
		}
	}
	if len(c.Detail) > maxDetail {
		c.Detail = fmt.Sprintf("%s... (%d bytes)", cut(c.Detail, maxDetail), len(c.Detail))
	}
	return &c
}

// cut returns at most n bytes of s, never splitting a UTF-8 character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
