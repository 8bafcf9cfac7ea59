package io.causality.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventTypeTest {

    @Test
    void everyTypeHasASchemaFileAndEveryFileAType() throws URISyntaxException {
        File dir =
                new File(
                        Objects.requireNonNull(
                                        getClass()
                                                .getClassLoader()
                                                .getResource(Schemas.RESOURCE_ROOT + "types"))
                                .toURI());
        Set<String> files =
                Arrays.stream(Objects.requireNonNull(dir.list()))
                        .map(f -> f.replace(".json", ""))
                        .collect(Collectors.toSet());
        Set<String> types =
                Arrays.stream(EventType.values())
                        .map(EventType::wireName)
                        .collect(Collectors.toSet());
        assertThat(files).isEqualTo(types);
    }

    @Test
    void catalogueCoversEveryFamilyWithAtLeast26BuiltInTypes() {
        assertThat(EventType.values().length - 1).isGreaterThanOrEqualTo(26);
        Set<EventFamily> families = EnumSet.noneOf(EventFamily.class);
        Arrays.stream(EventType.values()).forEach(t -> families.add(t.family()));
        assertThat(families).containsExactlyInAnyOrder(EventFamily.values());
    }

    @Test
    void wireNamesRoundTrip() {
        for (EventType t : EventType.values()) {
            assertThat(EventType.fromWireName(t.wireName())).contains(t);
        }
        assertThat(EventType.fromWireName("PURCHASE_COMPLETE")).isEmpty();
    }

    @Test
    void suggestsTheClosestTypeForATypo() {
        assertThat(EventType.closestTo("purchase_completed")).contains(EventType.PURCHASE_COMPLETE);
        assertThat(EventType.closestTo("screen_veiw")).contains(EventType.SCREEN_VIEW);
        assertThat(EventType.closestTo("something_else_entirely")).isEmpty();
    }
}
