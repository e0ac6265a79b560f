package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;

import java.util.ArrayList;
import java.util.List;

/**
 * A source whose provider manages a network access list (a link-token carries one) must not be opened to
 * every address: {@code 0.0.0.0/0} (or {@code ::/0}) is refused. Other entries are listed for the record.
 */
@AutoService(Validator.class)
public final class AccessListValidator implements Validator {

    @Override
    public String name() {
        return "access-list";
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        List<String> entries = context.sourceAccessList();
        List<ValidationFinding> findings = new ArrayList<>();
        for (String entry : entries) {
            if (opensEverything(entry)) {
                findings.add(ValidationFinding.error("SOURCE_ACCESS_LIST_OPEN", "the source's access list holds " + entry.strip()
                        + ", which lets every address on the internet connect", "replace it with the addresses of the"
                        + " migration hosts (for example 203.0.113.7/32)"));
            }
        }
        if (findings.isEmpty() && !entries.isEmpty()) {
            findings.add(ValidationFinding.info("SOURCE_ACCESS_LIST", "the source's access list: " + String.join(", ", entries)));
        }
        return findings;
    }

    /** Whether a CIDR entry matches every IPv4 or IPv6 address. */
    static boolean opensEverything(String entry) {
        String e = entry.strip();
        int slash = e.indexOf('/');
        String address = slash < 0 ? e : e.substring(0, slash);
        String prefix = slash < 0 ? "" : e.substring(slash + 1).strip();
        boolean any = address.equals("0.0.0.0") || address.equals("::") || address.matches("(0{1,4}:){7}0{1,4}");
        return any && (prefix.isEmpty() || prefix.matches("0+"));
    }
}
