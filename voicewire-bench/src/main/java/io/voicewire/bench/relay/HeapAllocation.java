package io.voicewire.bench.relay;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The heap bytes a child JVM has allocated since it started, read from its
 * {@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes} (every thread, terminated
 * ones included) over a local JMX connection: the attach API starts the child's local management
 * agent, so the child needs no option. Reading it costs the child a few small allocations per call
 * (the RMI round trip), nothing per relayed message.
 *
 * <p>Not thread safe; {@link #close()} when done.
 */
final class HeapAllocation implements AutoCloseable {
  private final JMXConnector connector;
  private final com.sun.management.ThreadMXBean threads;

  private HeapAllocation(JMXConnector connector, com.sun.management.ThreadMXBean threads) {
    this.connector = connector;
    this.threads = threads;
  }

  /** Connects to the JVM with process id {@code pid}, or returns null when it cannot. */
  static HeapAllocation attach(long pid) {
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      String address;
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address));
      MBeanServerConnection mbs = c.getMBeanServerConnection();
      com.sun.management.ThreadMXBean t = ManagementFactory.newPlatformMXBeanProxy(mbs,
          ManagementFactory.THREAD_MXBEAN_NAME, com.sun.management.ThreadMXBean.class);
      if (!t.isThreadAllocatedMemorySupported()) {
        c.close();
        return null;
      }
      if (!t.isThreadAllocatedMemoryEnabled()) {
        t.setThreadAllocatedMemoryEnabled(true);
      }
      return new HeapAllocation(c, t);
    } catch (Exception | LinkageError e) {
      return null; // no attach (e.g. another user's JVM): the figure is left out
    }
  }

  /** The heap bytes allocated by all the JVM's threads since it started; -1 if unreadable. */
  long allocatedBytes() {
    try {
      return threads.getTotalThreadAllocatedBytes();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    try {
      connector.close();
    } catch (IOException e) {
      // the child may be gone already
    }
  }
}
