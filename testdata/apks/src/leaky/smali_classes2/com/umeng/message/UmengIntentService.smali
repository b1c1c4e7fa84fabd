.class public Lcom/umeng/message/UmengIntentService;
.super Landroid/app/IntentService;
.source "UmengIntentService.java"


# direct methods
.method public constructor <init>()V
    .locals 1

    const-string v0, "UmengIntentService"

    invoke-direct {p0, v0}, Landroid/app/IntentService;-><init>(Ljava/lang/String;)V

    return-void
.end method


# virtual methods
.method protected onHandleIntent(Landroid/content/Intent;)V
    .locals 0

    return-void
.end method
