package livykernel.logs;

import java.util.Locale;

/** One instance of a cluster: its EC2 id ({@code i-…}, the one in S3 keys) and the names it is reached by. */
public record EmrNode(String ec2InstanceId, String privateDnsName, String privateIpAddress, String publicDnsName,
                      String publicIpAddress) {

    public boolean answersTo(String host) {
        if (host == null) {
            return false;
        }
        for (String name : new String[]{privateDnsName, privateIpAddress, publicDnsName, publicIpAddress}) {
            // A Livy URL may name the node by its short private name (ip-10-0-0-1) as well as the full one.
            if (name != null && (name.equalsIgnoreCase(host) || name.toLowerCase(Locale.ROOT).startsWith(host.toLowerCase(Locale.ROOT) + "."))) {
                return true;
            }
        }
        return false;
    }
}
