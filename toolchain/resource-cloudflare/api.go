package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"time"
)

// apiClient calls the Cloudflare v4 REST API (or anything that serves it, such as a local emulator).
type apiClient struct {
	baseURL string
	token   string
	http    *http.Client
}

type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type envelope struct {
	Success bool            `json:"success"`
	Errors  []apiError      `json:"errors"`
	Result  json.RawMessage `json:"result"`
}

// statusError is an API failure; NotFound lets Read report a deleted resource.
type statusError struct {
	status int
	method string
	path   string
	detail string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("Cloudflare API %s %s: HTTP %d: %s", e.method, e.path, e.status, e.detail)
}

func isNotFound(err error) bool {
	se, ok := err.(*statusError)
	return ok && se.status == http.StatusNotFound
}

func newAPIClient(baseURL, token string) *apiClient {
	return &apiClient{
		baseURL: strings.TrimRight(baseURL, "/"),
		token:   token,
		http:    &http.Client{Timeout: 5 * time.Minute},
	}
}

// call sends body as JSON and decodes the envelope's result into a generic value.
func (c *apiClient) call(ctx context.Context, method, path string, body any) (any, error) {
	var reader io.Reader
	contentType := ""
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		reader, contentType = bytes.NewReader(b), "application/json"
	}
	return c.send(ctx, method, path, reader, contentType)
}

// filePart is one file of a multipart upload.
type filePart struct {
	field, filename, contentType string
	content                      []byte
}

// upload sends a multipart form: a `metadata` JSON part plus files.
func (c *apiClient) upload(ctx context.Context, method, path string, metadata any, files []filePart) (any, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	meta, err := json.Marshal(metadata)
	if err != nil {
		return nil, err
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"; filename="metadata.json"`)
	h.Set("Content-Type", "application/json")
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, err
	}
	if _, err := part.Write(meta); err != nil {
		return nil, err
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.field, f.filename))
		h.Set("Content-Type", f.contentType)
		part, err := w.CreatePart(h)
		if err != nil {
			return nil, err
		}
		if _, err := part.Write(f.content); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return c.send(ctx, method, path, &buf, w.FormDataContentType())
}

func (c *apiClient) send(ctx context.Context, method, path string, body io.Reader, contentType string) (any, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("Cloudflare API %s %s: %w (is cloudflare:baseUrl right and the server running?)", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		if resp.StatusCode >= 300 {
			return nil, &statusError{resp.StatusCode, method, path, strings.TrimSpace(string(raw))}
		}
		return nil, fmt.Errorf("Cloudflare API %s %s: response is not JSON: %.200s", method, path, raw)
	}
	if resp.StatusCode >= 300 || !env.Success {
		msgs := make([]string, 0, len(env.Errors))
		for _, e := range env.Errors {
			msgs = append(msgs, fmt.Sprintf("%s (%d)", e.Message, e.Code))
		}
		status := resp.StatusCode
		if status < 300 {
			status = http.StatusBadRequest
		}
		return nil, &statusError{status, method, path, strings.Join(msgs, "; ")}
	}
	if len(env.Result) == 0 {
		return nil, nil
	}
	var result any
	if err := json.Unmarshal(env.Result, &result); err != nil {
		return nil, err
	}
	return result, nil
}
