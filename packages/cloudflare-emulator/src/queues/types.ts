/** A Worker consuming a queue, as the queues consumers API writes it (SDK 7.3.0 `MqWorkerConsumerRequest`). */
export interface QueueConsumerMeta {
  consumer_id: string;
  created_on: string;
  /** `worker` is delivered to the script's queue() handler; `http_pull` consumers are kept but never fed. */
  type: 'worker' | 'http_pull';
  script_name?: string;
  dead_letter_queue?: string;
  settings: Record<string, number>;
}

export interface QueueMeta {
  queue_id: string;
  queue_name: string;
  created_on: string;
  modified_on: string;
  settings?: Record<string, unknown>;
  consumers: QueueConsumerMeta[];
}
