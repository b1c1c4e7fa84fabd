package scan

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hegui/hegui/internal/text"
)

// unread names file kinds that a directory walk recognises by name but
// that no registered kind reads yet: they are skipped with a reason
// rather than silently.
var unread = map[string]text.Text{
	".aab":    text.New("Android App Bundles are not read by this version (build an APK with bundletool)", "此版本不读取AAB（请用bundletool生成APK）"),
	".xapk":   text.New("XAPK bundles are not read by this version (unpack the APKs inside)", "此版本不读取XAPK（请解出其中的APK）"),
	".apks":   text.New("APK sets are not read by this version (unpack the APKs inside)", "此版本不读取APK集合（请解出其中的APK）"),
	".pcap":   text.New("packet captures are not read by this version", "此版本不读取抓包文件"),
	".pcapng": text.New("packet captures are not read by this version", "此版本不读取抓包文件"),
	".har":    text.New("HTTP archives are not read by this version", "此版本不读取HAR文件"),
}

// Expand turns the paths a user gives into files. A file given by name is
// always kept (an input nothing reads is then an error naming what hegui
// reads); a directory yields the files below it that a registered kind
// selects by name, sorted. Files a walk passes over for a reason a user
// should know (not regular files, kinds not read yet) come back as skips;
// symbolic links inside directories are not followed.
func (r *Registry) Expand(paths []string) (files []string, skipped []Skip, err error) {
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, &ConfigError{Err: err}
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == p {
					return err
				}
				skipped = append(skipped, Skip{Path: path, Why: text.New(err.Error(), "无法读取："+err.Error())})
				return nil
			}
			if d.IsDir() {
				return nil
			}
			t := d.Type()
			switch {
			case t&fs.ModeSymlink != 0:
				if r.Selects(path) {
					skipped = append(skipped, Skip{Path: path, Why: text.New("symbolic link (not followed inside a directory; give it by name)", "符号链接（目录中的链接不跟随；请直接指定该文件）")})
				}
				return nil
			case !t.IsRegular():
				skipped = append(skipped, Skip{Path: path, Why: text.New("not a regular file ("+fileType(t)+")", "不是普通文件（"+fileType(t)+"）")})
				return nil
			case r.Selects(path):
				found = append(found, path)
			default:
				if why, ok := unread[strings.ToLower(filepath.Ext(path))]; ok {
					skipped = append(skipped, Skip{Path: path, Why: why})
				}
			}
			return nil
		})
		if err != nil {
			return nil, nil, &ConfigError{Err: err}
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, skipped, nil
}

func fileType(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeIrregular != 0:
		return "irregular file"
	}
	return fmt.Sprintf("mode %v", m.Type())
}
