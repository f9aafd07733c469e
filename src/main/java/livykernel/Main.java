package livykernel;

/** Entry point: parses arguments and wires the kernel together. */
public final class Main {
    public static void main(String[] args) {
        System.out.println("livy-kernel");
    }
}
