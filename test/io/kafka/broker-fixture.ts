// The real broker for a test file: started once, or the reason it cannot be, stated in the test output.
import { BrokerUnavailableError, KafkaBroker } from '../../../bench/kafka-broker.js';

/**
 * CI always runs the real-broker tests: a broker that cannot start fails them with the reason. A local run
 * without Java or Maven may set URBANFLOW_SKIP_REAL_KAFKA=1 to skip them; the skip is printed with its reason.
 */
export const SKIP_REAL_KAFKA = process.env.URBANFLOW_SKIP_REAL_KAFKA === '1' && process.env.CI !== 'true';

export async function startTestBroker(): Promise<KafkaBroker> {
  try {
    return await KafkaBroker.start({ log: (l) => process.stderr.write(`kafka test broker: ${l}\n`) });
  } catch (err) {
    if (err instanceof BrokerUnavailableError) {
      throw new Error(
        `the real-broker Kafka tests could not start Apache Kafka: ${err.message}\n(set URBANFLOW_SKIP_REAL_KAFKA=1 to skip them on a machine without Java 17 and Maven)`,
      );
    }
    throw err;
  }
}
