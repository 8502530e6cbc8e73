/**
 * Checks the SSH signatures of approval records against the repository's allowed-signers file, so that
 * `evaluateApprovals` counts each signed approval as its verified signer. Runs ssh-keygen (two calls per signed
 * approval); records without a signature pass through unsigned.
 */
import { approvalStatement, type ApprovalRecord } from './approvals.js';
import type { SshKeygenOptions } from './ssh-keygen.js';
import { approvalPayload, verifyApproval } from './ssh-signature.js';

/**
 * The records with `signature` set from a fresh check of each `sshSignature` (as `record.by`, against
 * `allowedSigners`), and cleared where there is none — whatever `signature` the records arrived with.
 */
export async function verifyApprovalRecords(records: readonly ApprovalRecord[], allowedSigners: string, options: SshKeygenOptions = {}): Promise<ApprovalRecord[]> {
  const checked: ApprovalRecord[] = [];
  for (const record of records) {
    const { signature: _untrusted, ...rest } = record;
    if (!record.sshSignature) {
      checked.push(rest);
      continue;
    }
    let payload: string;
    try {
      payload = approvalPayload(approvalStatement(record));
    } catch (error) {
      checked.push({ ...rest, signature: { status: 'invalid', reason: (error as Error).message } });
      continue;
    }
    const signature = await verifyApproval({ payload, signature: record.sshSignature, allowedSigners, identity: record.by }, options);
    checked.push({ ...rest, signature });
  }
  return checked;
}
