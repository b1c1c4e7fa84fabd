#!/usr/bin/env bash
# Builds HAP-shaped fixtures. No HarmonyOS toolchain (hvigor, es2abc) can
# be had here, so:
#   - module.json follows the compiled Stage-model form HAPs carry (app,
#     module, abilities, requestPermissions with reason and usedScene), as
#     the HarmonyOS documentation describes it ("module.json5配置文件");
#   - ets/modules.abc is written after the published Ark bytecode format
#     ("方舟字节码文件格式", version 11.0.2.0): the 60-byte header and the
#     string records (ULEB128 length << 1 | ASCII, bytes, NUL) holding the
#     module specifiers and names compiled ArkTS keeps; no class or method
#     is encoded, which the reader does not decode either.
# lock.hap: a smart lock's app (location read, OAID read, one reason
# missing, one bare); lock-clean.hap: every reason stated;
# lock.app: an .app bundle (pack.info and lock.hap).
# campus.hap: the module.json of a public HarmonyOS app, as the build
# merges it: src/campus-app.json5 and src/campus-module.json5 are
# AppScope/app.json5 and entry/src/main/module.json5 of
# github.com/2026-SYE6601-CityU-Campus-Navigation/Campus-Navigation
# (@a84211e and @27ff7fb), and it carries no bytecode.
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import json, struct, zipfile

def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

def abc(strings):
    body = b"".join(uleb(len(s) << 1 | 1) + s.encode() + b"\0" for s in strings)
    size = 60 + len(body)
    header = b"PANDA\0\0\0" + struct.pack("<I", 0) + bytes([11, 0, 2, 0]) + struct.pack("<I", size) + bytes(40)
    return header + body

code = abc([
    "com.example.smartlock/entry/ets/entryability/EntryAbility",
    "@ohos:geoLocationManager", "getCurrentLocation",
    "@ohos:identifier.oaid", "getOAID",
    "@ohos:pasteboard", "getSystemPasteboard",          # imported, never read
    "@ohos:net.http", "createHttp", "request",
    "https://iot.lock.example.cn/v2/unlock/report",
    "http://ota.lock.example.cn/firmware",
])

def module(reasons):
    perms = [
        {"name": "ohos.permission.INTERNET"},
        {"name": "ohos.permission.LOCATION", "reason": reasons[0], "usedScene": {"abilities": ["EntryAbility"], "when": "inuse"}},
        {"name": "ohos.permission.APPROXIMATELY_LOCATION", "reason": "$string:approx_location_reason", "reasonId": 16777230,
         "usedScene": {"abilities": ["EntryAbility"], "when": "inuse"}},
        {"name": "ohos.permission.CAMERA", "usedScene": {"abilities": ["EntryAbility"], "when": "inuse"}},
        {"name": "ohos.permission.MICROPHONE", "reason": reasons[1], "usedScene": {"abilities": ["EntryAbility"], "when": "inuse"}},
    ]
    if reasons[2] is not None:
        perms[3]["reason"] = reasons[2]
    return {
        "app": {"bundleName": "com.example.smartlock", "vendor": "example", "versionCode": 1000005, "versionName": "1.0.5",
                "label": "$string:app_name", "labelId": 16777216, "minAPIVersion": 12, "targetAPIVersion": 12},
        "module": {"name": "entry", "type": "entry", "mainElement": "EntryAbility", "deviceTypes": ["phone", "tablet"],
                   "abilities": [{"name": "EntryAbility", "srcEntry": "./ets/entryability/EntryAbility.ets", "exported": True}],
                   "extensionAbilities": [{"name": "LockFormAbility", "type": "form", "exported": False}],
                   "requestPermissions": perms},
    }

def hap(out, mod):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [("module.json", json.dumps(mod, ensure_ascii=False, indent=2).encode()),
                           ("ets/modules.abc", code), ("resources.index", b""),
                           ("pack.info", json.dumps({"summary": {"app": {"bundleName": "com.example.smartlock"}}}).encode())]:
            zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)

hap("lock.hap", module(["用于开锁时记录位置，便于您查看开锁历史", "需要使用麦克风", None]))
hap("lock-clean.hap", module(["用于开锁时记录位置，便于您查看开锁历史", "用于与门口访客语音对讲", "用于扫描门锁上的二维码完成绑定"]))
campus = json.load(open("src/campus-app.json5"))
campus.update(json.load(open("src/campus-module.json5")))
with zipfile.ZipFile("campus.hap", "w", zipfile.ZIP_DEFLATED) as z:
    zi = zipfile.ZipInfo("module.json", date_time=(2026, 1, 1, 0, 0, 0))
    z.writestr(zi, json.dumps(campus, ensure_ascii=False, indent=2).encode())
with zipfile.ZipFile("lock.app", "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in [("pack.info", json.dumps({"summary": {"app": {"bundleName": "com.example.smartlock"}}, "packages": [{"name": "entry-default", "moduleType": "entry"}]}).encode()),
                       ("entry-default.hap", open("lock.hap", "rb").read())]:
        zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        z.writestr(zi, data)
PY
sha256sum lock.hap lock-clean.hap lock.app campus.hap
