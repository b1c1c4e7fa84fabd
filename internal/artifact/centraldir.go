package artifact

import (
	"bufio"
	"encoding/binary"
	"io"
)

// Record signatures and sizes of the zip format (APPNOTE.TXT 4.3).
const (
	sigCentral     = 0x02014b50
	sigEnd         = 0x06054b50
	sigEnd64       = 0x06064b50
	sigEnd64Loc    = 0x07064b50
	centralLen     = 46 // fixed part of a central directory header
	endLen         = 22 // end of central directory record, without comment
	end64LocLen    = 20
	end64Len       = 56
	maxCommentSpan = 65 * 1024
)

// centralCount counts the headers of an archive's central directory, as
// archive/zip finds and reads them (headers one after another from the
// directory's start until one does not begin with the header signature),
// without allocating per header. It stops counting at max+1. It returns 0
// when no end record is found; zip.NewReader then says why the archive
// cannot be read.
//
// It exists because zip.NewReader builds every entry before its caller can
// count them: a small, well-compressed nested archive of millions of
// empty entries would cost gigabytes before a limit could refuse it.
func centralCount(r io.ReaderAt, size int64, max int) int {
	start, ok := centralStart(r, size)
	if !ok {
		return 0
	}
	br := bufio.NewReaderSize(io.NewSectionReader(r, start, size-start), 64<<10)
	var hdr [centralLen]byte
	n := 0
	for n <= max {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			break
		}
		if binary.LittleEndian.Uint32(hdr[:]) != sigCentral {
			break
		}
		skip := int64(binary.LittleEndian.Uint16(hdr[28:])) + int64(binary.LittleEndian.Uint16(hdr[30:])) + int64(binary.LittleEndian.Uint16(hdr[32:]))
		if got, err := br.Discard(int(skip)); err != nil || int64(got) != skip {
			break
		}
		n++
	}
	return n
}

// centralStart finds where the central directory starts, from the end
// record (and the zip64 end record when the end record says so).
func centralStart(r io.ReaderAt, size int64) (int64, bool) {
	var end []byte
	var endOff int64
	for _, span := range []int64{1024, maxCommentSpan} {
		span = min(span, size)
		buf := make([]byte, span)
		if n, err := r.ReadAt(buf, size-span); int64(n) != span && err != nil {
			return 0, false
		}
		if p := findEnd(buf); p >= 0 {
			end, endOff = buf[p:], size-span+int64(p)
			break
		}
		if span == size {
			return 0, false
		}
	}
	if end == nil {
		return 0, false
	}
	records := uint64(binary.LittleEndian.Uint16(end[10:]))
	dirSize := uint64(binary.LittleEndian.Uint32(end[12:]))
	dirOff := uint64(binary.LittleEndian.Uint32(end[16:]))
	if records == 0xffff || dirSize == 0xffff || dirOff == 0xffffffff {
		if p, ok := end64Offset(r, endOff); ok {
			var rec [end64Len]byte
			if _, err := r.ReadAt(rec[:], p); err != nil || binary.LittleEndian.Uint32(rec[:]) != sigEnd64 {
				return 0, false
			}
			endOff = p
			dirSize = binary.LittleEndian.Uint64(rec[40:])
			dirOff = binary.LittleEndian.Uint64(rec[48:])
		}
	}
	if dirSize > 1<<62 || dirOff > 1<<62 {
		return 0, false
	}
	base := endOff - int64(dirSize) - int64(dirOff)
	if o := base + int64(dirOff); o < 0 || o >= size {
		return 0, false
	}
	if base > 0 {
		// As archive/zip: trust an offset of zero when a header is there.
		var sig [4]byte
		if _, err := r.ReadAt(sig[:], int64(dirOff)); err == nil && binary.LittleEndian.Uint32(sig[:]) == sigCentral {
			base = 0
		}
	}
	return base + int64(dirOff), true
}

// findEnd returns the offset of the last end record in b whose comment
// fits in b, or -1.
func findEnd(b []byte) int {
	for i := len(b) - endLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(b[i:]) == sigEnd {
			if i+endLen+int(binary.LittleEndian.Uint16(b[i+20:])) > len(b) {
				return -1
			}
			return i
		}
	}
	return -1
}

// end64Offset reads the zip64 end locator before the end record at endOff.
func end64Offset(r io.ReaderAt, endOff int64) (int64, bool) {
	if endOff < end64LocLen {
		return 0, false
	}
	var loc [end64LocLen]byte
	if _, err := r.ReadAt(loc[:], endOff-end64LocLen); err != nil {
		return 0, false
	}
	if binary.LittleEndian.Uint32(loc[:]) != sigEnd64Loc || binary.LittleEndian.Uint32(loc[4:]) != 0 || binary.LittleEndian.Uint32(loc[16:]) != 1 {
		return 0, false
	}
	p := binary.LittleEndian.Uint64(loc[8:])
	if p > 1<<62 {
		return 0, false
	}
	return int64(p), true
}
