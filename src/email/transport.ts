/** One fully rendered message, ready for a provider. `to` is used for sending and never stored or logged. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (see unsubscribeHeaders). */
  headers: Record<string, string>;
  categories: string[];
  /** Technical IDs echoed back by provider webhooks: tenant_id and delivery_id. */
  customArgs: Record<string, string>;
  /** The recipient's ERP person ID, for our own stores only (the file outbox files messages under it so an erasure finds them); providers never get it. */
  recipientId?: string;
}

/** The narrow interface over an email provider. Failures are thrown as EmailSendError. */
export interface EmailTransport {
  send(msg: OutgoingEmail): Promise<{ providerId: string }>;
}

export interface Sender {
  email: string;
  name?: string;
}
