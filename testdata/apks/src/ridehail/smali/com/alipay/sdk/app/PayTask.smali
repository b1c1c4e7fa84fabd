.class public Lcom/alipay/sdk/app/PayTask;
.super Ljava/lang/Object;
.source "PayTask.java"


# instance fields
.field private final activity:Landroid/app/Activity;


# direct methods
.method public constructor <init>(Landroid/app/Activity;)V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    iput-object p1, p0, Lcom/alipay/sdk/app/PayTask;->activity:Landroid/app/Activity;

    return-void
.end method


# virtual methods
.method public payV2(Ljava/lang/String;Z)Ljava/util/Map;
    .locals 1

    const/4 v0, 0x0

    return-object v0
.end method
