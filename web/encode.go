//lint:file-ignore U1000 shared helpers of the authenticated API routes, which land next

package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/affcore/affcore/core"
)

// maxBody bounds JSON request bodies.
const maxBody = 1 << 20

// decode reads a JSON request body into v. Unknown fields, trailing data,
// malformed JSON and wrong types become KindInvalid errors naming the field.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return core.Invalid("body", "Content-Type must be application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return core.Invalid("body", "must hold a single JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return err
	case errors.Is(err, io.EOF):
		return core.Invalid("body", "must not be empty")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return core.Invalid("body", "malformed JSON")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return core.Invalid(field, fmt.Sprintf("must be a JSON %s", jsonKind(typeErr.Type.Kind().String())))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return core.Invalid(name, "unknown field")
	}
	var inner *core.Error
	if errors.As(err, &inner) {
		return inner
	}
	return core.Invalid("body", err.Error())
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	}
	return "number"
}

// respond writes v as JSON with the given status.
func respond(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// list is the envelope of every collection answer.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// none is the request type of routes without a body, and the answer type of
// routes that answer 204 No Content.
type none struct{}

// serveJSON is the shape of most API handlers: decode the JSON body into a
// Req (skipped when Req is none), run fn, and answer its result as JSON with
// status (no body when status is 204). Errors become problem+json.
func serveJSON[Req, Resp any](s *Server, status int, fn func(w http.ResponseWriter, r *http.Request, req Req) (Resp, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req Req
		if _, noBody := any(req).(none); !noBody {
			if err := decode(w, r, &req); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		resp, err := fn(w, r, req)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		respond(w, status, resp)
	}
}

// mapSlice converts every element of in with f; it never returns nil, so
// empty collections encode as [].
func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}
