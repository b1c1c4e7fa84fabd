module github.com/hegui/hegui

go 1.26.8

// Why each direct dependency (everything else is written here):
//   cel-go: conditions of user rules — type-checked when loaded, always
//     terminating, cost-limited; the expression language Kubernetes uses
//     for admission policies.
//   klauspost/compress: DEFLATE several times faster than compress/flate on
//     large classes.dex entries.
//   santhosh-tekuri/jsonschema: tests validate reports against the JSON
//     contract and the official SARIF 2.1.0 schema.
//   cobra: subcommands, flags and help in the style users know from Trivy.
//   yaml/v3: the data files and rule files, with line numbers in errors.
//   x/net/html: the HTML5 tokenizer browsers' rules describe, streaming,
//     so a policy page's nesting depth costs nothing.
//   x/text: GBK/GB18030, UTF-16 and the charsets HTML pages declare.
//   andybalholm/brotli: Brotli request bodies (Content-Encoding: br) in
//     captures; pure Go, the decoder Caddy and others ship, where the
//     standard library has none.
//   modernc.org/sqlite: the embedded results store (--batch, serve): SQLite
//     in pure Go, so hegui stays one static binary with no C toolchain.
//   schollz/progressbar: the batch progress bar (rate, ETA) on terminals.
//   jackc/pgx: PostgreSQL for fleets' results (through database/sql), the
//     driver River and most Go services use.
//   riverqueue/river (riverpgxv5, riversqlite): the job queue of `serve`
//     and `worker`, in the results database itself (PostgreSQL, or the
//     SQLite file of one machine) — retries with backoff, rescue of jobs
//     whose worker died, and a job completed in the same transaction that
//     writes its report; a proven engine instead of a home-made queue.
//   minio-go: uploads in S3-compatible object storage (AWS, MinIO, Ceph,
//     OSS, COS) for fleets; one small client where gocloud.dev would
//     bring the whole AWS SDK.
//   gofakes3 (tests only): an S3 server on loopback, spoken to over real
//     HTTP by minio-go, in place of an object store the machine lacks.
//   pflag: cobra's flags (shared flag sets of serve and worker).
//   chromedp (tests only): drives Debian's chromium through the dashboard.
require (
	github.com/google/cel-go v0.31.0
	github.com/klauspost/compress v1.20.3
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	github.com/spf13/cobra v1.10.2
	go.yaml.in/yaml/v3 v3.0.6
)

require (
	github.com/andybalholm/brotli v1.3.0
	github.com/chromedp/chromedp v0.23.0
	github.com/jackc/pgx/v5 v5.12.0
	github.com/johannesboyne/gofakes3 v1.2.0
	github.com/minio/minio-go/v7 v7.4.1
	github.com/riverqueue/river v0.51.2
	github.com/riverqueue/river/riverdriver/riverpgxv5 v0.51.2
	github.com/riverqueue/river/riverdriver/riversqlite v0.51.2
	github.com/riverqueue/river/rivertype v0.51.2
	github.com/schollz/progressbar/v3 v3.19.1
	github.com/spf13/pflag v1.0.10
	golang.org/x/net v0.62.0
	golang.org/x/text v0.43.0
	modernc.org/sqlite v1.62.0
)

require (
	cel.dev/expr v0.25.1 // indirect
	github.com/antlr4-go/antlr/v4 v4.13.1 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/dustin/go-humanize v1.1.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/klauspost/cpuid/v2 v2.4.0 // indirect
	github.com/klauspost/crc32 v1.3.0 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/minio/crc64nvme v1.1.1 // indirect
	github.com/minio/md5-simd v1.1.2 // indirect
	github.com/mitchellh/colorstring v0.0.0-20190213212951-d06e56a500db // indirect
	github.com/ncruces/go-strftime v1.1.0 // indirect
	github.com/philhofer/fwd v1.2.0 // indirect
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	github.com/riverqueue/river/riverdriver v0.51.2 // indirect
	github.com/riverqueue/river/rivershared v0.51.2 // indirect
	github.com/rivo/uniseg v0.4.7 // indirect
	github.com/rs/xid v1.6.0 // indirect
	github.com/ryszard/goskiplist v0.0.0-20150312221310-2dfbae5fcf46 // indirect
	github.com/tidwall/gjson v1.20.0 // indirect
	github.com/tidwall/match v1.2.0 // indirect
	github.com/tidwall/pretty v1.2.1 // indirect
	github.com/tidwall/sjson v1.2.5 // indirect
	github.com/tinylib/msgp v1.6.4 // indirect
	github.com/zeebo/xxh3 v1.1.0 // indirect
	go.shabbyrobe.org/gocovmerge v0.0.0-20230507111327-fa4f82cfbf4d // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/exp v0.0.0-20240823005443-9b4947da3948 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/term v0.47.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20240826202546-f6391c0de4c7 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20240826202546-f6391c0de4c7 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	gopkg.in/ini.v1 v1.67.3 // indirect
	modernc.org/libc v1.80.1 // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/memory v1.12.1 // indirect
)
