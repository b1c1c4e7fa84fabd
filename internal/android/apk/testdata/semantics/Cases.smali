.class public Lcom/example/semantics/Cases;
.super Ljava/lang/Object;
.source "Cases.java"

# One method per case of semantics_test.go: what a catalog call does
# depends on what defined its arguments. The app's package (as the test
# gives the manifest) is com.example.semantics.

.field private pkg:Ljava/lang/String;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public static helper(Ljava/lang/String;)V
    .registers 1
    return-void
.end method

# ---- installed apps ----

# The app's own version, as most SDKs read it: not the installed-app list.
.method public ownPackage(Landroid/content/Context;)Ljava/lang/String;
    .registers 5
    :try_start
    invoke-virtual {p1}, Landroid/content/Context;->getPackageManager()Landroid/content/pm/PackageManager;
    move-result-object v0
    invoke-virtual {p1}, Landroid/content/Context;->getPackageName()Ljava/lang/String;
    move-result-object v1
    const/4 v2, 0x0
    invoke-virtual {v0, v1, v2}, Landroid/content/pm/PackageManager;->getPackageInfo(Ljava/lang/String;I)Landroid/content/pm/PackageInfo;
    move-result-object v0
    iget-object v0, v0, Landroid/content/pm/PackageInfo;->versionName:Ljava/lang/String;
    :try_end
    .catch Landroid/content/pm/PackageManager$NameNotFoundException; {:try_start .. :try_end} :catch
    return-object v0
    :catch
    move-exception v0
    const-string v0, ""
    return-object v0
.end method

# The manifest's package as a constant (BuildConfig.APPLICATION_ID).
.method public ownPackageConst(Landroid/content/Context;)V
    .registers 5
    invoke-virtual {p1}, Landroid/content/Context;->getPackageManager()Landroid/content/pm/PackageManager;
    move-result-object v0
    const-string v1, "com.example.semantics"
    const/16 v2, 0x80
    invoke-virtual {v0, v1, v2}, Landroid/content/pm/PackageManager;->getApplicationInfo(Ljava/lang/String;I)Landroid/content/pm/ApplicationInfo;
    return-void
.end method

# Is WeChat installed? A presence check of one named package.
.method public namedPackage(Landroid/content/pm/PackageManager;)Z
    .registers 5
    const/4 v2, 0x0
    :try_start
    const-string v0, "com.tencent.mm"
    invoke-virtual {p1, v0, v2}, Landroid/content/pm/PackageManager;->getPackageInfo(Ljava/lang/String;I)Landroid/content/pm/PackageInfo;
    :try_end
    .catch Ljava/lang/Exception; {:try_start .. :try_end} :catch
    const/4 v1, 0x1
    return v1
    :catch
    return v2
.end method

# A name the method was handed: kept as app-list probing, as before.
.method public paramPackage(Landroid/content/pm/PackageManager;Ljava/lang/String;)V
    .registers 4
    const/4 v0, 0x0
    invoke-virtual {p1, p2, v0}, Landroid/content/pm/PackageManager;->getPackageInfo(Ljava/lang/String;I)Landroid/content/pm/PackageInfo;
    return-void
.end method

# A name read from a field: not followed, kept.
.method public fieldPackage(Landroid/content/pm/PackageManager;)V
    .registers 4
    iget-object v0, p0, Lcom/example/semantics/Cases;->pkg:Ljava/lang/String;
    const/4 v1, 0x0
    invoke-virtual {p1, v0, v1}, Landroid/content/pm/PackageManager;->getPackageInfo(Ljava/lang/String;I)Landroid/content/pm/PackageInfo;
    return-void
.end method

# The list itself.
.method public enumeration(Landroid/content/pm/PackageManager;)Ljava/util/List;
    .registers 3
    const/4 v0, 0x0
    invoke-virtual {p1, v0}, Landroid/content/pm/PackageManager;->getInstalledPackages(I)Ljava/util/List;
    move-result-object v0
    return-object v0
.end method

# Every launcher app: the installed-app list by another name.
.method public launcherQuery(Landroid/content/pm/PackageManager;)Ljava/util/List;
    .registers 5
    new-instance v0, Landroid/content/Intent;
    const-string v1, "android.intent.action.MAIN"
    invoke-direct {v0, v1}, Landroid/content/Intent;-><init>(Ljava/lang/String;)V
    const-string v1, "android.intent.category.LAUNCHER"
    invoke-virtual {v0, v1}, Landroid/content/Intent;->addCategory(Ljava/lang/String;)Landroid/content/Intent;
    const/4 v2, 0x0
    invoke-virtual {p1, v0, v2}, Landroid/content/pm/PackageManager;->queryIntentActivities(Landroid/content/Intent;I)Ljava/util/List;
    move-result-object v0
    return-object v0
.end method

# Can WeChat handle this? An Intent limited to one package: a check.
.method public packageQuery(Landroid/content/pm/PackageManager;)Z
    .registers 5
    new-instance v0, Landroid/content/Intent;
    const-string v1, "android.intent.action.SEND"
    invoke-direct {v0, v1}, Landroid/content/Intent;-><init>(Ljava/lang/String;)V
    const-string v1, "com.tencent.mm"
    invoke-virtual {v0, v1}, Landroid/content/Intent;->setPackage(Ljava/lang/String;)Landroid/content/Intent;
    const/4 v2, 0x0
    invoke-virtual {p1, v0, v2}, Landroid/content/pm/PackageManager;->queryIntentActivities(Landroid/content/Intent;I)Ljava/util/List;
    move-result-object v0
    invoke-interface {v0}, Ljava/util/List;->isEmpty()Z
    move-result v0
    return v0
.end method

# The app's own receivers (as MediaButtonReceiver does): nothing.
.method public ownIntentQuery(Landroid/content/Context;)V
    .registers 5
    new-instance v0, Landroid/content/Intent;
    const-string v1, "android.intent.action.MEDIA_BUTTON"
    invoke-direct {v0, v1}, Landroid/content/Intent;-><init>(Ljava/lang/String;)V
    invoke-virtual {p1}, Landroid/content/Context;->getPackageName()Ljava/lang/String;
    move-result-object v1
    invoke-virtual {v0, v1}, Landroid/content/Intent;->setPackage(Ljava/lang/String;)Landroid/content/Intent;
    invoke-virtual {p1}, Landroid/content/Context;->getPackageManager()Landroid/content/pm/PackageManager;
    move-result-object v2
    const/4 v3, 0x0
    invoke-virtual {v2, v0, v3}, Landroid/content/pm/PackageManager;->queryBroadcastReceivers(Landroid/content/Intent;I)Ljava/util/List;
    return-void
.end method

# The app's own uid, and the caller of an IPC.
.method public uids(Landroid/content/pm/PackageManager;)V
    .registers 3
    invoke-static {}, Landroid/os/Process;->myUid()I
    move-result v0
    invoke-virtual {p1, v0}, Landroid/content/pm/PackageManager;->getPackagesForUid(I)[Ljava/lang/String;
    invoke-static {}, Landroid/os/Binder;->getCallingUid()I
    move-result v0
    invoke-virtual {p1, v0}, Landroid/content/pm/PackageManager;->getNameForUid(I)Ljava/lang/String;
    return-void
.end method

# ---- clipboard ----

.method public clipboardWrite(Landroid/content/ClipboardManager;Landroid/content/ClipData;)V
    .registers 3
    invoke-virtual {p1, p2}, Landroid/content/ClipboardManager;->setPrimaryClip(Landroid/content/ClipData;)V
    return-void
.end method

.method public clipboardRead(Landroid/content/ClipboardManager;)Landroid/content/ClipData;
    .registers 3
    invoke-virtual {p1}, Landroid/content/ClipboardManager;->getPrimaryClip()Landroid/content/ClipData;
    move-result-object v0
    return-object v0
.end method

.method public clipboardDescription(Landroid/content/ClipboardManager;)Landroid/content/ClipDescription;
    .registers 3
    invoke-virtual {p1}, Landroid/content/ClipboardManager;->getPrimaryClipDescription()Landroid/content/ClipDescription;
    move-result-object v0
    return-object v0
.end method

# ---- network ----

# Listing the interfaces reads no address.
.method public interfacesOnly()Ljava/util/Enumeration;
    .registers 2
    invoke-static {}, Ljava/net/NetworkInterface;->getNetworkInterfaces()Ljava/util/Enumeration;
    move-result-object v0
    return-object v0
.end method

.method public hardwareAddress()[B
    .registers 3
    const-string v0, "wlan0"
    invoke-static {v0}, Ljava/net/NetworkInterface;->getByName(Ljava/lang/String;)Ljava/net/NetworkInterface;
    move-result-object v0
    invoke-virtual {v0}, Ljava/net/NetworkInterface;->getHardwareAddress()[B
    move-result-object v0
    return-object v0
.end method

# A serialiser formatting the address it was handed.
.method public formatAddress(Ljava/net/InetAddress;)Ljava/lang/String;
    .registers 3
    invoke-virtual {p1}, Ljava/net/InetAddress;->getHostAddress()Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method

# The device's own address, from its interface.
.method public interfaceAddress(Ljava/net/NetworkInterface;)Ljava/lang/String;
    .registers 3
    invoke-virtual {p1}, Ljava/net/NetworkInterface;->getInetAddresses()Ljava/util/Enumeration;
    move-result-object v0
    invoke-interface {v0}, Ljava/util/Enumeration;->nextElement()Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Ljava/net/InetAddress;
    invoke-virtual {v0}, Ljava/net/InetAddress;->getHostAddress()Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method

# ---- contacts ----

# Is this URI a contact? A comparison reads nothing.
.method public contactsCompare(Landroid/net/Uri;)Z
    .registers 4
    invoke-virtual {p1}, Landroid/net/Uri;->toString()Ljava/lang/String;
    move-result-object v0
    const-string v1, "content://com.android.contacts"
    invoke-virtual {v0, v1}, Ljava/lang/String;->startsWith(Ljava/lang/String;)Z
    move-result v0
    return v0
.end method

# The query reads the contacts.
.method public contactsQuery(Landroid/content/ContentResolver;)Landroid/database/Cursor;
    .registers 8
    const-string v0, "content://com.android.contacts/contacts"
    invoke-static {v0}, Landroid/net/Uri;->parse(Ljava/lang/String;)Landroid/net/Uri;
    move-result-object v1
    move-object v0, p1
    const/4 v2, 0x0
    const/4 v3, 0x0
    const/4 v4, 0x0
    const/4 v5, 0x0
    invoke-virtual/range {v0 .. v5}, Landroid/content/ContentResolver;->query(Landroid/net/Uri;[Ljava/lang/String;Ljava/lang/String;[Ljava/lang/String;Ljava/lang/String;)Landroid/database/Cursor;
    move-result-object v0
    return-object v0
.end method

# The same through the provider's field.
.method public contactsFieldQuery(Landroid/content/ContentResolver;)Landroid/database/Cursor;
    .registers 8
    sget-object v1, Landroid/provider/ContactsContract$Contacts;->CONTENT_URI:Landroid/net/Uri;
    move-object v0, p1
    const/4 v2, 0x0
    const/4 v3, 0x0
    const/4 v4, 0x0
    const/4 v5, 0x0
    invoke-virtual/range {v0 .. v5}, Landroid/content/ContentResolver;->query(Landroid/net/Uri;[Ljava/lang/String;Ljava/lang/String;[Ljava/lang/String;Ljava/lang/String;)Landroid/database/Cursor;
    move-result-object v0
    return-object v0
.end method

# The URI handed to another method: not followed, kept as a read.
.method public contactsPassedOn()V
    .registers 2
    const-string v0, "content://com.android.contacts/data"
    invoke-static {v0}, Lcom/example/semantics/Cases;->helper(Ljava/lang/String;)V
    return-void
.end method

# ---- storage ----

.method public externalStorage()Ljava/io/File;
    .registers 2
    invoke-static {}, Landroid/os/Environment;->getExternalStorageDirectory()Ljava/io/File;
    move-result-object v0
    return-object v0
.end method

# ---- settings ----

.method public androidId(Landroid/content/ContentResolver;)Ljava/lang/String;
    .registers 3
    const-string v0, "android_id"
    invoke-static {p1, v0}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method

# Another setting, in a method that also names android_id (today's
# co-occurrence test counted it).
.method public otherKey(Landroid/content/ContentResolver;)Ljava/lang/String;
    .registers 4
    const-string v0, "android_id"
    invoke-static {v0}, Lcom/example/semantics/Cases;->helper(Ljava/lang/String;)V
    const-string v1, "install_non_market_apps"
    invoke-static {p1, v1}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method

# A key the method was handed, with android_id named beside it: kept, as
# before.
.method public keyParam(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    .registers 5
    const-string v0, "android_id"
    invoke-virtual {p2, v0}, Ljava/lang/String;->equals(Ljava/lang/Object;)Z
    invoke-static {p1, p2}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    return-object v0
.end method
