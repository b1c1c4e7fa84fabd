package blob

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 keeps artifacts in a bucket of an S3-compatible service (AWS S3,
// MinIO, Ceph, Alibaba OSS, Tencent COS…).
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
	label  string
}

// OpenS3 connects to the bucket an s3:// URL names:
//
//	s3://BUCKET[/PREFIX][?endpoint=HOST:PORT&region=REGION&tls=false]
//
// Without endpoint, AWS S3. Credentials come from the environment
// (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or MINIO_ROOT_USER and
// MINIO_ROOT_PASSWORD), ~/.aws/credentials, or the machine's IAM role.
func OpenS3(ctx context.Context, spec string) (*S3, error) {
	u, err := url.Parse(spec)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, fmt.Errorf("blobs %q: want s3://BUCKET[/PREFIX][?endpoint=HOST:PORT&region=R&tls=false]", spec)
	}
	q := u.Query()
	for k := range q {
		if k != "endpoint" && k != "region" && k != "tls" {
			return nil, fmt.Errorf("blobs %q: unknown parameter %q (endpoint, region, tls)", spec, k)
		}
	}
	endpoint := q.Get("endpoint")
	if endpoint == "" {
		endpoint = "s3.amazonaws.com"
	}
	secure := q.Get("tls") != "false"
	creds := credentials.NewChainCredentials([]credentials.Provider{
		&credentials.EnvAWS{}, &credentials.EnvMinio{},
		&credentials.FileAWSCredentials{}, &credentials.IAM{},
	})
	c, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: secure, Region: q.Get("region")})
	if err != nil {
		return nil, fmt.Errorf("blobs %s: %w", endpoint, err)
	}
	s := &S3{client: c, bucket: u.Host, prefix: strings.Trim(u.Path, "/"),
		label: "s3://" + u.Host + u.Path + " at " + endpoint}
	ok, err := c.BucketExists(ctx, s.bucket)
	if err != nil {
		return nil, fmt.Errorf("blobs %s: %w", s.label, err)
	}
	if !ok {
		return nil, fmt.Errorf("blobs %s: no bucket %q", s.label, s.bucket)
	}
	return s, nil
}

func (s *S3) String() string { return s.label }

func (s *S3) object(sum, ext string) (string, error) {
	key, err := Key(sum, ext)
	if err != nil {
		return "", err
	}
	return path.Join(s.prefix, key), nil
}

// TempDir implements Store: the system's.
func (s *S3) TempDir() string { return "" }

// Keep implements Store: the upload is sent unless the bucket holds it
// already, then removed.
func (s *S3) Keep(ctx context.Context, u *Upload, ext string) error {
	defer u.Remove()
	obj, err := s.object(u.SHA256, ext)
	if err != nil {
		return err
	}
	if info, err := s.client.StatObject(ctx, s.bucket, obj, minio.StatObjectOptions{}); err == nil && info.Size == u.Size {
		return nil // kept already: the same bytes
	}
	f, err := os.Open(u.Path)
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	defer f.Close()
	if _, err := s.client.PutObject(ctx, s.bucket, obj, f, u.Size, minio.PutObjectOptions{ContentType: "application/octet-stream"}); err != nil {
		return fmt.Errorf("blobs %s: put %s: %w", s.label, obj, err)
	}
	return nil
}

// Fetch implements Store: the object is downloaded to a temporary file
// (with its extension), removed on release.
func (s *S3) Fetch(ctx context.Context, sum, ext string) (string, func(), error) {
	obj, err := s.object(sum, ext)
	if err != nil {
		return "", nil, err
	}
	o, err := s.client.GetObject(ctx, s.bucket, obj, minio.GetObjectOptions{})
	if err != nil {
		return "", nil, fmt.Errorf("blobs %s: get %s: %w", s.label, obj, err)
	}
	defer o.Close()
	f, err := os.CreateTemp("", "hegui-blob-*"+ext)
	if err != nil {
		return "", nil, fmt.Errorf("blob: %w", err)
	}
	release := func() { os.Remove(f.Name()) }
	_, err = io.Copy(f, o)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		release()
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return "", nil, fmt.Errorf("%w: %s (%s)", ErrNotFound, obj, s.label)
		}
		return "", nil, fmt.Errorf("blobs %s: get %s: %w", s.label, obj, err)
	}
	return f.Name(), release, nil
}
