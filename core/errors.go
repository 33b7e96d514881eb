package core

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it. web/errors.go is
// the only place that maps kinds to HTTP statuses.
type Kind string

// Error kinds. The zero Kind is KindInternal.
const (
	KindInternal     Kind = "internal"      // a bug or an unexpected fault; details stay in the log
	KindInvalid      Kind = "invalid"       // bad input; FieldErrors say which fields
	KindNotFound     Kind = "not_found"     // no such resource for this caller
	KindConflict     Kind = "conflict"      // unique key or state conflict (e.g. duplicate email)
	KindUnauthorized Kind = "unauthorized"  // missing or bad credentials
	KindForbidden    Kind = "forbidden"     // authenticated but not allowed
	KindGone         Kind = "gone"          // existed but expired or used up (invites, reset links)
	KindRateLimited  Kind = "rate_limited"  // too many attempts; retry later
	KindUnavailable  Kind = "unavailable"   // a dependency is down; retry later
	KindPayment      Kind = "plan_required" // the tenant's plan does not include the feature
)

// FieldError names one invalid input field and says what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a domain error: a kind, a message that is safe to show to users,
// optional field errors, and an optional wrapped cause that is only logged.
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind with a formatted, user-safe message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error of the given kind that keeps err as its logged cause.
func Wrap(kind Kind, err error, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// Invalid returns a KindInvalid error naming one field.
func Invalid(field, message string) *Error {
	return &Error{Kind: KindInvalid, Message: field + ": " + message, Fields: []FieldError{{Field: field, Message: message}}}
}

// KindOf returns the kind of the first *Error in err's chain, or KindInternal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) && e.Kind != "" {
		return e.Kind
	}
	return KindInternal
}

// MessageOf returns the user-safe message of the first *Error in err's chain,
// or a generic message for internal errors so no detail leaks.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != KindInternal && e.Kind != "" {
		return e.Message
	}
	return "internal error"
}

// FieldsOf returns the field errors carried by err, if any.
func FieldsOf(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validator collects field errors so a request can report all of them at once.
type Validator struct {
	fields []FieldError
}

// Check records message for field when ok is false.
func (v *Validator) Check(ok bool, field, message string) {
	if !ok {
		v.fields = append(v.fields, FieldError{Field: field, Message: message})
	}
}

// Add records a field error unconditionally.
func (v *Validator) Add(field, message string) {
	v.fields = append(v.fields, FieldError{Field: field, Message: message})
}

// Err returns a KindInvalid error listing every recorded field, or nil.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	msg := v.fields[0].Field + ": " + v.fields[0].Message
	if len(v.fields) > 1 {
		msg = fmt.Sprintf("%s (and %d more)", msg, len(v.fields)-1)
	}
	return &Error{Kind: KindInvalid, Message: msg, Fields: v.fields}
}
