package axml

// AndroidNS is the namespace URI of the android: attributes.
const AndroidNS = "http://schemas.android.com/apk/res/android"

// androidAttrs maps the resource ids of framework attributes to their names.
// Public attribute ids never change once published, so one table serves
// every API level.
//
// Source: the public android.R.attr constants. Ids up to 0x01010606 were
// read from framework-res.apk of Debian's android-framework-res
// 1:10.0.0+r36-10 (`aapt dump resources`, entries flagged public); later
// ids from AOSP frameworks/base core/res/res/values/public-final.xml.
var androidAttrs = map[uint32]string{
	0x01010000: "theme",
	0x01010001: "label",
	0x01010002: "icon",
	0x01010003: "name",
	0x01010004: "manageSpaceActivity",
	0x01010005: "allowClearUserData",
	0x01010006: "permission",
	0x01010007: "readPermission",
	0x01010008: "writePermission",
	0x01010009: "protectionLevel",
	0x0101000a: "permissionGroup",
	0x0101000b: "sharedUserId",
	0x0101000c: "hasCode",
	0x0101000d: "persistent",
	0x0101000e: "enabled",
	0x0101000f: "debuggable",
	0x01010010: "exported",
	0x01010011: "process",
	0x01010012: "taskAffinity",
	0x01010013: "multiprocess",
	0x01010014: "finishOnTaskLaunch",
	0x01010015: "clearTaskOnLaunch",
	0x01010016: "stateNotNeeded",
	0x01010017: "excludeFromRecents",
	0x01010018: "authorities",
	0x01010019: "syncable",
	0x0101001a: "initOrder",
	0x0101001b: "grantUriPermissions",
	0x0101001c: "priority",
	0x0101001d: "launchMode",
	0x0101001e: "screenOrientation",
	0x0101001f: "configChanges",
	0x01010020: "description",
	0x01010021: "targetPackage",
	0x01010022: "handleProfiling",
	0x01010023: "functionalTest",
	0x01010024: "value",
	0x01010025: "resource",
	0x01010026: "mimeType",
	0x01010027: "scheme",
	0x01010028: "host",
	0x01010029: "port",
	0x0101002a: "path",
	0x0101002b: "pathPrefix",
	0x0101002c: "pathPattern",
	0x010101ea: "order",
	0x01010202: "targetActivity",
	0x01010203: "alwaysRetainTaskState",
	0x01010204: "allowTaskReparenting",
	0x0101020c: "minSdkVersion",
	0x0101021b: "versionCode",
	0x0101021c: "versionName",
	0x0101022b: "windowSoftInputMode",
	0x0101022d: "noHistory",
	0x01010261: "sharedUserLabel",
	0x01010270: "targetSdkVersion",
	0x01010271: "maxSdkVersion",
	0x01010272: "testOnly",
	0x0101027f: "backupAgent",
	0x01010280: "allowBackup",
	0x01010281: "glEsVersion",
	0x0101028e: "required",
	0x0101029c: "killAfterRestore",
	0x010102b7: "installLocation",
	0x010102b8: "vmSafeMode",
	0x010102ba: "restoreAnyVersion",
	0x010102be: "logo",
	0x010102d3: "hardwareAccelerated",
	0x0101035a: "largeHeap",
	0x0101036a: "stopWithTask",
	0x01010398: "uiOptions",
	0x010103a7: "parentActivityName",
	0x010103a9: "isolatedProcess",
	0x010103af: "supportsRtl",
	0x010103e3: "ssp",
	0x010103e4: "sspPrefix",
	0x010103e5: "sspPattern",
	0x010103f2: "banner",
	0x01010445: "documentLaunchMode",
	0x01010473: "fullBackupOnly",
	0x0101048e: "multiArch",
	0x010104ea: "extractNativeLibs",
	0x010104eb: "fullBackupContent",
	0x010104ec: "usesCleartextTraffic",
	0x010104ee: "autoVerify",
	0x010104f6: "resizeableActivity",
	0x010104f7: "supportsPictureInPicture",
	0x01010504: "defaultToDeviceProtectedStorage",
	0x01010505: "directBootAware",
	0x0101050e: "externalService",
	0x01010527: "networkSecurityConfig",
	0x0101052c: "roundIcon",
	0x01010531: "visibleToInstantApps",
	0x01010541: "targetProcesses",
	0x01010554: "requiredFeature",
	0x01010555: "requiredNotFeature",
	0x0101055b: "isFeatureSplit",
	0x01010560: "maxAspectRatio",
	0x01010572: "compileSdkVersion",
	0x01010573: "compileSdkVersionCodename",
	0x01010576: "versionCodeMajor",
	0x0101057a: "appComponentFactory",
	0x0101058e: "usesNonSdkApi",
	0x01010591: "isSplitRequired",
	0x01010597: "useAppZygote",
	0x01010599: "foregroundServiceType",
	0x0101059a: "hasFragileUserData",
	0x0101059b: "minAspectRatio",
	0x0101059e: "useEmbeddedDex",
	0x01010601: "allowAudioPlaybackCapture",
	0x01010603: "requestLegacyExternalStorage",
	0x01010608: "forceQueryable",
	0x0101060e: "crossProfile",
	0x01010612: "allowNativeHeapPointerTagging",
	0x01010613: "autoRevokePermissions",
	0x01010614: "preserveLegacyExternalStorage",
	0x01010615: "mimeGroup",
	0x01010616: "gwpAsanMode",
	0x0101061e: "pathSuffix",
	0x0101061f: "sspSuffix",
	0x01010620: "pathAdvancedPattern",
	0x01010621: "sspAdvancedPattern",
	0x01010624: "memtagMode",
	0x0101063e: "dataExtractionRules",
	0x01010642: "attributionTags",
	0x01010644: "usesPermissionFlags",
	0x01010645: "requestRawExternalStorageAccess",
}

// androidAttrIDs is the inverse of androidAttrs.
var androidAttrIDs = func() map[string]uint32 {
	m := make(map[string]uint32, len(androidAttrs))
	for id, name := range androidAttrs {
		m[name] = id
	}
	return m
}()

// AndroidAttrName returns the name of the framework attribute with resource
// id id, if it is one of the attributes the decoder knows.
func AndroidAttrName(id uint32) (string, bool) {
	name, ok := androidAttrs[id]
	return name, ok
}

// AndroidAttrID returns the resource id of the framework attribute name.
func AndroidAttrID(name string) (uint32, bool) {
	id, ok := androidAttrIDs[name]
	return id, ok
}
