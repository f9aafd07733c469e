package livykernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LivyEndpointTest {

    @Test
    void theSpareHandOffFileSitsBesideTheConnectionFileAndIsNamedAfterIt() {
        Path conn = Path.of("/run/user/1000/jupyter/kernel-4f2a.json");
        assertEquals(Path.of("/run/user/1000/jupyter/kernel-4f2a.livy-spare"), LivyEndpoint.spareHandoffFor(conn));
    }
}
