// Package s3test gives tests an S3-compatible service on loopback:
// gofakes3 speaks the S3 REST protocol over real HTTP, so the client
// hegui ships (minio-go) is exercised as against a bucket of a fleet.
package s3test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// URL starts a service with an empty bucket, sets the credentials in the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) and returns the
// bucket's s3:// URL with prefix. wrap, when not nil, sits in front of
// the service (to hold requests back, count them…).
func URL(t testing.TB, bucket, prefix string, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	var h http.Handler = gofakes3.New(s3mem.New()).Server()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	const id, secret = "hegui-test", "hegui-test-secret"
	t.Setenv("AWS_ACCESS_KEY_ID", id)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	c, err := minio.New(host, &minio.Options{Creds: credentials.NewStaticV4(id, secret, "")})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	return "s3://" + bucket + "/" + prefix + "?endpoint=" + host + "&tls=false&region=us-east-1"
}
