package evidence

// Class groups input kinds by what they tell about a target. Rules state
// the classes (or kinds) they need, so one rule over "a package" judges
// APK, IPA and HAP evidence alike.
type Class string

// The classes of input.
const (
	// ClassPackage: an app or SDK package (APK, DEX, IPA, HAP…): the
	// code and declarations themselves.
	ClassPackage Class = "package"
	// ClassPolicy: a privacy policy's text: the declared side.
	ClassPolicy Class = "policy"
	// ClassTraffic: what the target sent over the network.
	ClassTraffic Class = "traffic"
	// ClassEvidence: observations recorded by another tool.
	ClassEvidence Class = "evidence"
)

// Classes lists every class.
func Classes() []Class { return []Class{ClassPackage, ClassPolicy, ClassTraffic, ClassEvidence} }

// Names of input kinds and classes that rules and evidence files use; the
// scan's registry declares the kinds themselves (name, label, class,
// reader).
const (
	InputAndroid = "android"
	InputIOS     = "ios"
	InputHarmony = "harmony"
	// InputSDK is an SDK package (AAR, JAR) checked on its own.
	InputSDK     = "sdk"
	InputPolicy  = "policy"
	InputTraffic = "traffic"
	// InputEvidence is a hegui evidence file made by another tool (a
	// dynamic-test harness, a lab's manual checks).
	InputEvidence = "evidence"
)

// Keys of PolicyClaim observations: what a privacy policy states. Policy
// analyzers write these; rules compare them with what the app does. The
// Detail map carries the specifics named in each comment.
const (
	// ClaimCollects: the policy lists a PI type as collected.
	// Detail: "data_type" (catalog key), "purpose".
	ClaimCollects = "collects"
	// ClaimSDK: the policy's third-party SDK list names an SDK.
	// Detail: "sdk" (catalog id when known), "name", "data_types".
	ClaimSDK = "sdk"
	// ClaimAccountDeletion: the policy gives a way to delete PI or cancel
	// the account. Detail: "how".
	ClaimAccountDeletion = "account_deletion"
	// ClaimComplaint: a complaint/report channel and contact is published.
	// Detail: "contact".
	ClaimComplaint = "complaint_channel"
	// ClaimSeparateConsent: the policy says separate consent is sought for
	// sensitive PI. Detail: "data_type" ("" for sensitive PI in general).
	ClaimSeparateConsent = "separate_consent"
	// ClaimMinors: dedicated rules for PI of children under 14.
	ClaimMinors = "minors_rules"
	// ClaimServesMinors: the service is meant for, or knowingly used by,
	// children under 14.
	ClaimServesMinors = "serves_minors"
	// ClaimPersonalizationOptOut: targeted push / personalised ads can be
	// turned off. Detail: "how".
	ClaimPersonalizationOptOut = "personalization_opt_out"
	// ClaimPersonalization: the service uses PI for targeted push,
	// personalised recommendations or ads.
	ClaimPersonalization = "personalization"
	// ClaimNotCollects: the policy states a PI type is not collected
	// ("我们不会收集您的通讯录"); DetailDataType names it.
	ClaimNotCollects = "not_collects"
	// ClaimRetention: the policy states how long or where PI is kept.
	ClaimRetention = "retention"
	// ClaimHandler: the policy names the handler (the company).
	ClaimHandler = "handler_identity"
	// ClaimRights: the policy says how to access, correct or delete PI.
	ClaimRights = "rights"
	// ClaimWithdrawal: the policy says how to withdraw consent.
	ClaimWithdrawal = "consent_withdrawal"
	// ClaimUpdateNotice: the policy says how its changes are notified.
	ClaimUpdateNotice = "update_notice"
	// ClaimEffectiveDate: the policy states its effective or update date.
	ClaimEffectiveDate = "effective_date"
	// ClaimCrossBorder: the policy discloses transfer abroad.
	// Detail: "country", "recipient".
	ClaimCrossBorder = "cross_border"
	// ClaimFaceCloud: the policy discloses that face data leaves the
	// device, with separate consent.
	ClaimFaceCloud = "face_cloud_consent"
)

// Detail keys shared across analyzers.
const (
	// DetailBeforeConsent = "true": seen before the user accepted the
	// privacy policy (traffic, dynamic tests).
	DetailBeforeConsent = "before_consent"
	// DetailCountry: ISO 3166 alpha-2 code (lower case) of an endpoint's
	// location or of an SDK vendor.
	DetailCountry = "country"
	// DetailPlaintext = "true": PI sent without transport encryption.
	DetailPlaintext = "plaintext"
	// DetailHost: the host PI was sent to.
	DetailHost = "host"
	// DetailStartup = "true": code reached from process start-up.
	DetailStartup = "startup"
	// DetailStartupMode = StartupCompliant: what runs at start-up is an
	// SDK entry point its vendor documents as collecting nothing before
	// consent (Umeng's preInit), not the SDK's start.
	DetailStartupMode = "startup_mode"
	// DetailDataTypes: comma-separated PI type keys an observed endpoint
	// received.
	DetailDataTypes = "data_types"
)

// Keys of Consent observations: what run-time evidence records of the
// consent moment. Traffic and dynamic-test inputs that know when the user
// accepted the policy write ConsentAccepted (Where.Time, Where.Packet) and
// mark later observations with DetailBeforeConsent.
const (
	// ConsentAccepted: the user accepted the privacy policy.
	ConsentAccepted = "policy_accepted"
)

// Detail keys that rules and reports read; analyzers write them. A key
// not named here is free-form detail for people.
const (
	// DetailAPI: the catalog API a data type was reached through (class.member).
	DetailAPI = "api"
	// DetailURL: an endpoint's full URL.
	DetailURL = "url"
	// DetailScheme: an endpoint's scheme (http, https, ws…).
	DetailScheme = "scheme"
	// PropPolicyDocument: a privacy policy hegui read inside another
	// input (bundled in an APK); Where.File names it.
	PropPolicyDocument = "policy_document"
	// PropPolicyURL: a URL in the app that points at its privacy policy
	// (hegui never fetches it); DetailURL holds it.
	PropPolicyURL = "policy_url"
	// DetailQuote: the policy sentence a claim comes from (cut to 300
	// characters).
	DetailQuote = "quote"
	// DetailTerms: the words of a policy sentence that named the data
	// types, comma-separated.
	DetailTerms = "terms"
	// DetailConditional = "true": the statement holds when a feature is
	// used; DetailChoice = "true": the user may refuse.
	DetailConditional = "conditional"
	DetailChoice      = "choice"
	// DetailInSection = "true": a title above the sentence names the same
	// item (the deletion route under "如何删除您的个人信息").
	DetailInSection = "in_section"
	// DetailClassifiedAs: the APPCorp category a paragraph classifier
	// placed a policy paragraph in, when that is what the claim rests on.
	DetailClassifiedAs = "classified_as"
	// DetailPurpose: the purpose a policy gives (an SDK row's).
	DetailPurpose = "purpose"
	// DetailTimeLimit: the handling time a deletion, rights or complaint
	// statement gives ("15个工作日").
	DetailTimeLimit = "time_limit"
	// DetailPolicyFormat and DetailEncoding: how a policy was read.
	DetailPolicyFormat = "format"
	DetailEncoding     = "encoding"
	// DetailNotes: what was read another way than declared.
	DetailNotes = "notes"
	// DetailStartupPath: the call path from a start-up entry point to the call, "a -> b -> c".
	DetailStartupPath = "startup_path"
	// StartupCompliant is the DetailStartupMode of a compliant entry.
	StartupCompliant = "compliant"
	// DetailSDKName: display name of the SDK owning an endpoint or call.
	DetailSDKName = "sdk_name"
	// DetailSDK: catalog id of an SDK (endpoint owner, policy SDK claim).
	DetailSDK = "sdk"
	// DetailPermission: the permission that declares a data type, or guards a component.
	DetailPermission = "permission"
	// DetailDataType: a PI type key (policy claims, separate-consent claims).
	DetailDataType = "data_type"
	// DetailType: a component's type (activity, service, receiver, provider).
	DetailType = "type"
	// DetailExported: "true" when a component is exported.
	DetailExported = "exported"
	// DetailActions: comma-separated intent actions of a component.
	DetailActions = "actions"
	// DetailReason: why a property holds (anomaly, incomplete bytecode).
	DetailReason = "reason"
	// DetailValue: a property's value.
	DetailValue = "value"
	// DetailMatch: what matched an SDK signature (class prefix, native library, meta-data…).
	DetailMatch = "match"
	// DetailName: a display name (packer, custom permission).
	DetailName = "name"
	// DetailVendor: a vendor's name (packer).
	DetailVendor = "vendor"
	// DetailID: a catalog id (packer).
	DetailID = "id"
	// DetailHow: how a setting was decided, or how a right is exercised.
	DetailHow = "how"
	// DetailDomains: comma-separated domains of a network security config.
	DetailDomains = "domains"
	// DetailProtection: a permission's protection level.
	DetailProtection = "protection"
	// DetailMaxSDK: a permission's maxSdkVersion.
	DetailMaxSDK = "max_sdk"
	// DetailArgs: what defined the argument that decided what a call does
	// (the catalog's argument rules), as the bytecode shows it within the
	// calling method: Context.getPackageName(), a quoted constant, a
	// parameter (p1), "unknown"; several joined by " | ".
	DetailArgs = "args"
	// DetailURI: the content-provider URI a query reads: the constant, or
	// the field holding it (android.provider.CallLog$Calls.CONTENT_URI).
	DetailURI = "uri"
)

// Keys of Property observations made from bytecode.
const (
	// PropertyPresenceCheck: a call that tests whether something is there
	// (one named app installed, a clip on the clipboard) without reading
	// it: the app learns yes or no. Detail: "api", "data_type" (the PI
	// type the check is about), "args" (what is checked, e.g. the package
	// name), "startup" and "startup_path" as for data types.
	PropertyPresenceCheck = "presence_check"
)

// Keys of Property observations about how an app asks for permissions,
// and their details.
const (
	// PropPermissionRequest: a call that asks the user for runtime
	// permissions (Activity/ActivityCompat/Fragment.requestPermissions and
	// the common wrappers). Detail: DetailPermissions, DetailGroups,
	// DetailLaunch, DetailLaunchPath, DetailAfterDenial.
	PropPermissionRequest = "permission_request"
	// PropDenialExit: the app closes when a permission is denied (finish,
	// System.exit, Process.killProcess in the permission result
	// callback). Detail: DetailHow.
	PropDenialExit = "permission_denial_exit"
	// PropConsentGate: a branch on a stored consent flag on the start-up
	// path; code after it runs only once the user has agreed. Where: the
	// branch.
	PropConsentGate = "consent_gate"
	// PropConsentUI: code that shows a privacy consent text (a string
	// resource naming the privacy policy and asking to agree). Where: the
	// load of the text. Detail: DetailValue (the resource name or id).
	PropConsentUI = "consent_ui"

	// DetailPermissions: comma-separated permission names asked for in one
	// request, as far as constants show them.
	DetailPermissions = "permissions"
	// DetailGroups: comma-separated dangerous permission groups of a
	// request (LOCATION, CAMERA…).
	DetailGroups = "groups"
	// DetailLaunch = "true": reached from the launcher activity's creation
	// with no user action in between (an app asking as it opens).
	DetailLaunch = "launch"
	// DetailLaunchPath: the call path from the launcher activity.
	DetailLaunchPath = "launch_path"
	// DetailAfterDenial = "true": issued from the permission result
	// callback, when a permission was denied.
	DetailAfterDenial = "after_denial"
)
