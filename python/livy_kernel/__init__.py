"""livy-kernel, a Jupyter kernel (a Java program) that runs PySpark cells on Apache Livy: this
package carries its jar and installs its kernelspecs (`livy-kernel install`)."""
