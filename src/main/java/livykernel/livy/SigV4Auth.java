package livykernel.livy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * AWS SigV4 for a Livy behind AWS (EMR Serverless' Livy endpoint, or a gateway): every attempt
 * of every Livy call is signed afresh, since the signature covers the date, host and path. Only
 * {@code Host}, {@code Content-Type} and {@code x-amz-*} are signed: OkHttp's transport headers
 * and custom headers may be changed by a proxy on the way without breaking the signature.
 */
public final class SigV4Auth implements LivyAuth {

    /** The signing name of EMR Serverless, the default. */
    public static final String EMR_SERVERLESS = "emr-serverless";
    /** The SDK-side implementation, in {@code aws-lib/}. */
    public static final String IMPLEMENTATION = "livykernel.livy.aws.SdkSigV4Signer";

    private static final ObjectMapper JSON = new ObjectMapper();
    // us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1 …
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Set<String> SET_BY_SIGNING = Set.of("authorization", "x-amz-date", "x-amz-security-token",
            "x-amz-content-sha256");

    private final Supplier<SigV4Signer> load;
    private volatile SigV4Signer signer;
    private volatile String loadProblem;

    /** {@code load} makes the signer on the first request (loading the SDK then, not before). */
    public SigV4Auth(Supplier<SigV4Signer> load) {
        this.load = load;
    }

    /** The signer of the SDK in {@code aws-lib/}, loaded on the first request. */
    public static SigV4Auth withSdk(SigV4Signer.Options options) {
        return new SigV4Auth(() -> AwsLibrary.create(IMPLEMENTATION, SigV4Signer.class, SigV4Signer.Options.class, options));
    }

    /**
     * The AWS region named in an AWS host such as
     * {@code <app-id>.livy.emr-serverless-services.us-east-1.amazonaws.com}, or null for any other host.
     */
    public static String regionOf(String host) {
        if (host == null) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        if (!(h.endsWith(".amazonaws.com") || h.endsWith(".amazonaws.com.cn") || h.endsWith(".api.aws"))) {
            return null;
        }
        String[] labels = h.split("\\.");
        for (int i = labels.length - 1; i >= 0; i--) {
            if (REGION.matcher(labels[i]).matches()) {
                return labels[i];
            }
        }
        return null;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (!LivyAuth.isLivyCall(request)) {
            return chain.proceed(request);
        }
        byte[] body = new byte[0];
        RequestBody original = request.body();
        if (original != null) {
            Buffer buffer = new Buffer();
            original.writeTo(buffer);
            body = buffer.readByteArray();
        }
        Map<String, List<String>> toSign = new LinkedHashMap<>();
        Request.Builder out = request.newBuilder();
        for (String name : request.headers().names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (SET_BY_SIGNING.contains(lower)) {
                out.removeHeader(name);
            } else if (lower.equals("host") || lower.equals("content-type") || lower.startsWith("x-amz-")) {
                toSign.put(name, new ArrayList<>(request.headers(name)));
            }
        }
        Map<String, String> signed = signer().sign(request.method(), request.url().uri(), toSign, body);
        signed.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("host")) {
                out.header(name, value);
            }
        });
        if (original != null) {
            out.method(request.method(), RequestBody.create(body, original.contentType()));
        }
        return chain.proceed(out.build());
    }

    private SigV4Signer signer() throws AuthFailure {
        SigV4Signer s = signer;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (signer == null && loadProblem == null) {
                try {
                    signer = load.get();
                } catch (IllegalStateException e) {
                    loadProblem = e.getMessage();
                }
            }
            if (signer == null) {
                throw new AuthFailure(loadProblem);
            }
            return signer;
        }
    }

    /**
     * AWS names what went wrong in {@code x-amzn-ErrorType} or the JSON body's {@code __type}/{@code code}.
     * AWS's own message is left out of credential errors: some services echo the request's
     * canonical form there, which is no help to the user.
     */
    @Override
    public String explainRefusal(int status, String body, Function<String, String> header) {
        if (status != 401 && status != 403) {
            return null;
        }
        JsonNode json = parse(body);
        String type = errorType(header.apply("x-amzn-ErrorType"), json);
        String message = firstText(json, "message", "Message");
        String fix = "set AWS_PROFILE (or aws_profile) to a profile in ~/.aws/credentials that works, or "
                + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN with temporary credentials).";
        switch (type) {
            case "InvalidSignatureException", "SignatureDoesNotMatch", "IncompleteSignatureException" -> {
                return "AWS rejected the signature of the kernel's request to Livy (" + type + "): the secret key does "
                        + "not belong to the access key, or this machine's clock is off; " + fix;
            }
            case "UnrecognizedClientException", "InvalidClientTokenId", "InvalidAccessKeyId" -> {
                return "AWS does not recognise the kernel's AWS credentials for Livy (" + type + "): " + fix;
            }
            case "ExpiredTokenException", "ExpiredToken", "RequestExpired", "TokenRefreshRequired" -> {
                return "The kernel's AWS credentials for Livy have expired (" + type + "): refresh them (for example "
                        + "aws sso login, or a new AWS_SESSION_TOKEN) or " + fix;
            }
            case "AccessDeniedException", "AccessDenied" -> {
                return "AWS denied the kernel's request to Livy (" + type + (message != null ? ": " + message : "")
                        + "). The credentials need emr-serverless:AccessLivyEndpoints on the application (and "
                        + "iam:PassRole for the session's execution role).";
            }
            default -> {
                return null;
            }
        }
    }

    private static String errorType(String header, JsonNode json) {
        String t = header != null && !header.isBlank() ? header : firstText(json, "__type", "code", "Code");
        if (t == null) {
            return "";
        }
        t = t.trim();
        int colon = t.indexOf(':');
        if (colon >= 0) {
            t = t.substring(0, colon);
        }
        int hash = t.lastIndexOf('#');
        return hash >= 0 ? t.substring(hash + 1) : t;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String firstText(JsonNode json, String... keys) {
        if (json == null || !json.isObject()) {
            return null;
        }
        for (String k : keys) {
            JsonNode v = json.get(k);
            if (v != null && v.isTextual() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return null;
    }
}
