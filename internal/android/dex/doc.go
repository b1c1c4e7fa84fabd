// Package dex reads Dalvik Executable (DEX) files, the bytecode containers
// found in Android APKs as classes.dex, classes2.dex, and so on.
//
// The package is built for one job: finding, quickly and without decompiling,
// what the code of an application refers to. [Parse] validates the header and
// the bounds of the id tables (strings, types, prototypes, fields, methods and
// class definitions) of an image held in memory; the accessors [File.String],
// [File.Type], [File.Proto], [File.Method] and [File.Field] resolve single ids
// on demand, and [File.MethodClassIdx] and [File.FieldClassIdx] give raw
// indices for building lookup tables over every id without decoding strings.
// [File.StringBytes] gives the raw bytes of a string without allocating.
// [File.Classes] lists the class definitions.
//
// [File.Walk] visits every method that has code, in every class definition,
// and decodes its instruction stream with the complete opcode table of the
// Dalvik bytecode (formats 10x through 51l, including 45cc and 4rcc, and the
// packed-switch, sparse-switch and fill-array-data payloads embedded in the
// stream). It reports only the instructions that matter for an inventory of
// references: method invocations, call-site invocations, static and instance
// field reads, static field writes, string and class constants, method handle
// and method type constants, and object creation. Each reported instruction
// carries the index it refers to and its byte offset in the file, so that a
// finding can point at the exact call site. Walk allocates nothing per
// instruction and decodes no strings.
//
// Versions 035 through 041 of the format are accepted. A version 041
// container holding several DEX images is read through its first header only.
// Checksums and signatures are not enforced, because packers and obfuscators
// routinely alter them; [File.VerifyChecksum] and [File.VerifySignature]
// report whether they match.
//
// Input is treated as hostile: every offset, size and count is checked against
// the length of the image before use, LEB128 values are read with a bound of
// five bytes, and memory use and the work of a walk are bounded by the size of
// the input. A malformed class definition or method is skipped while the rest
// of the file is still walked; when the walk is over, [File.Walk] returns the
// problems met, each a [*FormatError], joined with [errors.Join]. A file cut
// short therefore yields a partial walk and an error that says where the data
// ran out. [Parse] refuses an image whose id tables do not fit in it;
// [ParsePartial] reads such an image anyway, cutting the tables to the
// entries that fit ([File.Sizes]), so that a truncated file or a header that
// lies about a table still gives everything that lies inside the data.
//
// [Flow] is a def-use pass over the registers of one method at a time:
// for a call, which instructions may have defined each argument (a string
// constant, the result of another call, a static field, a parameter…), and
// for a definition, which instructions may read it. It follows branches,
// switches and exception edges to try/catch handlers within the method,
// and is bounded in instructions, states and iterations; past a bound its
// answers are "unknown". Callers run it only on the methods they ask about.
//
// What the package deliberately does not do: it does not verify bytecode
// (register numbers, types, control flow and branch targets are not checked;
// Flow ignores what it cannot follow), it does not decompile or follow
// values across methods, it does not decode annotations, debug information
// or encoded static values, and it does not read optimized (ODEX, OAT, VDEX)
// or compact (CDEX) files.
package dex
