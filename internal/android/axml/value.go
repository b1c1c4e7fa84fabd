package axml

import (
	"fmt"
	"math"
	"strconv"
)

// Res_value data types.
const (
	TypeNull             = 0x00
	TypeReference        = 0x01
	TypeAttribute        = 0x02
	TypeString           = 0x03
	TypeFloat            = 0x04
	TypeDimension        = 0x05
	TypeFraction         = 0x06
	TypeDynamicReference = 0x07
	TypeDynamicAttribute = 0x08
	TypeIntDec           = 0x10
	TypeIntHex           = 0x11
	TypeIntBoolean       = 0x12
	TypeIntColorARGB8    = 0x1c
	TypeIntColorRGB8     = 0x1d
	TypeIntColorARGB4    = 0x1e
	TypeIntColorRGB4     = 0x1f
)

var dimensionUnits = [...]string{"px", "dip", "sp", "pt", "in", "mm"}

// complexValue decodes the mantissa and radix of a dimension or fraction.
func complexValue(data uint32) float64 {
	mantissa := float64(int32(data & 0xffffff00))
	shift := [...]uint{8, 15, 23, 31}[(data>>4)&3]
	return mantissa / float64(uint64(1)<<shift)
}

// FormatValue renders a typed value (other than a string, which needs its
// pool) the way Android tools print it: "true", "42", "0x10", "@0x7f0b0001",
// "?0x01010036", "#ff000000", "16.0dip", "50.0%".
func FormatValue(typ uint8, data uint32) string {
	switch typ {
	case TypeNull:
		if data == 1 {
			return "@empty"
		}
		return ""
	case TypeReference, TypeDynamicReference:
		if data == 0 {
			return "@null"
		}
		return fmt.Sprintf("@0x%08x", data)
	case TypeAttribute, TypeDynamicAttribute:
		return fmt.Sprintf("?0x%08x", data)
	case TypeString:
		return fmt.Sprintf("string#%d", data)
	case TypeFloat:
		return strconv.FormatFloat(float64(math.Float32frombits(data)), 'g', -1, 32)
	case TypeDimension:
		u := data & 0xf
		unit := "?"
		if int(u) < len(dimensionUnits) {
			unit = dimensionUnits[u]
		}
		return strconv.FormatFloat(complexValue(data), 'f', -1, 64) + unit
	case TypeFraction:
		unit := "%"
		if data&0xf == 1 {
			unit = "%p"
		}
		return strconv.FormatFloat(complexValue(data)*100, 'f', -1, 64) + unit
	case TypeIntDec:
		return strconv.Itoa(int(int32(data)))
	case TypeIntHex:
		return fmt.Sprintf("0x%x", data)
	case TypeIntBoolean:
		if data != 0 {
			return "true"
		}
		return "false"
	case TypeIntColorARGB8, TypeIntColorARGB4:
		return fmt.Sprintf("#%08x", data)
	case TypeIntColorRGB8, TypeIntColorRGB4:
		return fmt.Sprintf("#%06x", data&0xffffff)
	}
	return fmt.Sprintf("(type 0x%02x)0x%x", typ, data)
}
