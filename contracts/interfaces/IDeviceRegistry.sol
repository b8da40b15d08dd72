// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Amounts, cells and flags are event data, not topics: nobody filters logs by them.
// solhint-disable gas-indexed-events

/// @title IDeviceRegistry
/// @notice One ERC-721 token per physical device. The token id is the device id, derived from the device's hardware
/// key: `deviceId = uint256(uint160(deviceKey))`.
/// Registering needs two EIP-712 signatures under this registry's domain (name, version "1", chain id, registry
/// address):
/// - the device key over `Register(address owner,uint8 deviceClass,uint64 cell,uint256 nonce,uint256 deadline)`
///   (proof of possession; binds the owner, so a front-runner cannot redirect the NFT), and
/// - an approved manufacturer ("maker") key over `Attest(address deviceKey,uint8 deviceClass,uint32 makerGeneration)`,
///   where `makerGeneration` is the maker's current `makerGeneration` (raised by each revocation, so a revocation is
///   final for every attestation signed before it, even if the maker is approved again).
/// Anyone may submit a registration (relayers welcome); the NFT is always minted to the `owner` the device signed.
/// @dev Invariants:
/// - `status(id) == Active || status(id) == Suspended` iff the NFT `id` exists.
/// - `status` only moves None -> Active <-> Suspended, and Active -> Deregistered (terminal; a deregistered device key
///   can never be registered again, so a registration signature can never be replayed).
/// - Every state change emits an event.
interface IDeviceRegistry {
    /// @notice Lifecycle of a device id.
    enum DeviceStatus {
        None,
        Active,
        Suspended,
        Deregistered
    }

    /// @notice Per-class parameters set by the admin (governance). Packed in one slot.
    /// @param rewardWeightBps Reward weight of the class in basis points (10000 = 1x), in [1, MAX_CLASS_WEIGHT_BPS].
    /// @param minBond Minimum bond (token wei) for a device of the class to be active in `IStaking.isActive`.
    /// @param enabled Whether new devices of the class can register. Existing devices are not affected.
    struct ClassConfig {
        uint32 rewardWeightBps;
        uint128 minBond;
        bool enabled;
    }

    /// @notice Approval of a maker key, one slot.
    /// @param approved Whether its attestations are accepted now.
    /// @param generation Number of revocations so far; attestations must be signed for the current generation.
    struct MakerStatus {
        bool approved;
        uint32 generation;
    }

    /// @notice Stored record of a device. Packed in one slot.
    /// @param ownerAtDeregistration Zero until deregistration, then the owner who deregistered.
    /// @param cell Location cell (H3 index).
    /// @param deviceClass Class of the device.
    /// @param status Lifecycle status.
    struct Device {
        address ownerAtDeregistration;
        uint64 cell;
        uint8 deviceClass;
        DeviceStatus status;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Errors
    // ----------------------------------------------------------------------------------------------------------------

    /// @notice The device id was already registered (it is active, suspended or was deregistered).
    error RegistryDeviceAlreadyRegistered(uint256 deviceId, DeviceStatus status);
    /// @notice The device is not in the status the operation needs.
    error RegistryDeviceNotActive(uint256 deviceId, DeviceStatus status);
    /// @notice `unsuspend` on a device that is not suspended.
    error RegistryDeviceNotSuspended(uint256 deviceId, DeviceStatus status);
    /// @notice The caller is not the current owner of the device.
    error RegistryNotDeviceOwner(uint256 deviceId, address caller, address owner);
    /// @notice The signature's deadline has passed.
    error RegistrySignatureExpired(uint256 deadline, uint256 timestamp);
    /// @notice The device signature does not recover to the device key (wrong data, chain, registry, nonce or key).
    error RegistryInvalidDeviceSignature(address deviceKey);
    /// @notice The attestation does not recover to the named maker.
    error RegistryInvalidMakerSignature(address maker);
    /// @notice The maker is not approved (never was, or was revoked).
    error RegistryMakerNotApproved(address maker);
    /// @notice `approveMaker` on a maker that is already approved.
    error RegistryMakerAlreadyApproved(address maker);
    /// @notice The zero address was given as a maker.
    error RegistryMakerZeroAddress();
    /// @notice The device class is not enabled for new registrations.
    error RegistryClassDisabled(uint8 deviceClass);
    /// @notice A class weight outside [1, MAX_CLASS_WEIGHT_BPS].
    error RegistryClassWeightOutOfRange(uint8 deviceClass, uint256 rewardWeightBps, uint256 maxRewardWeightBps);
    /// @notice `setDeviceClass` with the configuration the class already has.
    error RegistryClassUnchanged(uint8 deviceClass);
    /// @notice `moveDevice` to the cell the device is already in.
    error RegistryCellUnchanged(uint256 deviceId, uint64 cell);

    // ----------------------------------------------------------------------------------------------------------------
    // Events
    // ----------------------------------------------------------------------------------------------------------------

    /// @notice A device was registered and its NFT minted to `owner`.
    event DeviceRegistered(
        uint256 indexed deviceId,
        address indexed owner,
        address indexed maker,
        uint8 deviceClass,
        uint64 cell
    );
    /// @notice A device changed location cell.
    event DeviceMoved(uint256 indexed deviceId, uint64 fromCell, uint64 toCell);
    /// @notice A device was suspended by the fraud role.
    event DeviceSuspended(uint256 indexed deviceId, uint32 indexed reasonCode, address indexed by);
    /// @notice A suspension was lifted.
    event DeviceUnsuspended(uint256 indexed deviceId, address indexed by);
    /// @notice A device was deregistered by its owner and its NFT burned.
    event DeviceDeregistered(uint256 indexed deviceId, address indexed owner);
    /// @notice A maker key was approved to attest devices; it signs attestations for `generation`.
    event MakerApproved(address indexed maker, uint32 generation);
    /// @notice A maker key was revoked; every attestation it signed so far is refused for good (the maker's generation
    /// is now `generation`).
    event MakerRevoked(address indexed maker, uint32 generation);
    /// @notice A device class configuration changed.
    event DeviceClassSet(uint8 indexed deviceClass, uint32 rewardWeightBps, uint128 minBond, bool enabled);

    // ----------------------------------------------------------------------------------------------------------------
    // Registration and device lifecycle
    // ----------------------------------------------------------------------------------------------------------------

    /// @notice Registers the device `deviceKey` and mints its NFT to `owner`. Anyone may submit (e.g. a relayer).
    /// @dev Reverts with `EnforcedPause` when paused, `RegistrySignatureExpired` after `deadline`,
    /// `RegistryClassDisabled`, `RegistryMakerNotApproved`, `RegistryDeviceAlreadyRegistered`,
    /// `RegistryInvalidDeviceSignature`, `RegistryInvalidMakerSignature`. Consumes the device key's nonce.
    /// Mints with `_safeMint`: a contract `owner` must implement `onERC721Received`.
    /// @param deviceKey The device's hardware key (an address); the device id is `deviceIdOf(deviceKey)`.
    /// @param owner The account the device signed for; receives the NFT.
    /// @param deviceClass The device class (must be enabled).
    /// @param cell The location cell (H3 index).
    /// @param deadline Last timestamp at which the device signature is valid.
    /// @param deviceSignature 65-byte EIP-712 signature by `deviceKey` over `Register(owner, deviceClass, cell,
    /// nonces(deviceKey), deadline)`.
    /// @param maker The approved maker key that attested the device.
    /// @param makerSignature 65-byte EIP-712 signature by `maker` over `Attest(deviceKey, deviceClass,
    /// makerGeneration(maker))`.
    /// @return deviceId The new device id.
    function register(
        address deviceKey,
        address owner,
        uint8 deviceClass,
        uint64 cell,
        uint256 deadline,
        bytes calldata deviceSignature,
        address maker,
        bytes calldata makerSignature
    ) external returns (uint256 deviceId);

    /// @notice Moves an active device to `newCell`. Only the device owner; needs a fresh device signature that names
    /// that owner, so a signature given to a previous owner is worthless after the NFT changes hands.
    /// @dev Reverts with `RegistryNotDeviceOwner`, `RegistryDeviceNotActive` (suspended devices cannot move),
    /// `RegistryCellUnchanged`, `RegistrySignatureExpired`, `RegistryInvalidDeviceSignature`. Consumes the nonce.
    /// @param deviceId The device.
    /// @param newCell The new location cell (H3 index).
    /// @param deadline Last timestamp at which the device signature is valid.
    /// @param deviceSignature EIP-712 signature by the device key over `Move(deviceId, owner, newCell,
    /// nonces(deviceKey), deadline)` with `owner` the caller.
    function moveDevice(uint256 deviceId, uint64 newCell, uint256 deadline, bytes calldata deviceSignature) external;

    /// @notice Suspends an active device (suspected fraud). Only FRAUD_ROLE.
    /// @dev A suspended device cannot move, deregister, or request unstake in `IStaking` (its bond awaits a slash).
    /// @param deviceId The device.
    /// @param reasonCode Off-chain meaning, logged in the event.
    function suspend(uint256 deviceId, uint32 reasonCode) external;

    /// @notice Lifts the suspension of a device. Only FRAUD_ROLE.
    /// @param deviceId The device.
    function unsuspend(uint256 deviceId) external;

    /// @notice Deregisters an active device: burns its NFT and records the caller as `deviceOwner`. Only the owner.
    /// @dev Terminal: the device key can never register again. The bond in `IStaking` stays withdrawable by the owner
    /// recorded here (request unstake, then withdraw after the delay).
    /// @param deviceId The device.
    function deregister(uint256 deviceId) external;

    // ----------------------------------------------------------------------------------------------------------------
    // Governance
    // ----------------------------------------------------------------------------------------------------------------

    /// @notice Approves a maker key to attest devices. Only DEFAULT_ADMIN_ROLE.
    /// @param maker The maker key.
    function approveMaker(address maker) external;

    /// @notice Revokes a maker key. Every attestation it signed before is refused from now on, also after a later
    /// re-approval (its generation rises). Devices it attested that are already registered stay registered.
    /// Only DEFAULT_ADMIN_ROLE.
    /// @param maker The maker key.
    function revokeMaker(address maker) external;

    /// @notice Sets the configuration of a device class. Only DEFAULT_ADMIN_ROLE.
    /// @dev Reverts with `RegistryClassWeightOutOfRange` unless 1 <= rewardWeightBps <= MAX_CLASS_WEIGHT_BPS, and
    /// with `RegistryClassUnchanged` on a no-op. Disabling a class refuses new registrations only.
    /// @dev Warning: raising `minBond` makes existing devices with a smaller bond inactive in `IStaking.isActive`.
    /// @param deviceClass The class.
    /// @param rewardWeightBps Reward weight in basis points.
    /// @param minBond Minimum bond in token wei.
    /// @param enabled Whether new devices of the class can register.
    function setDeviceClass(uint8 deviceClass, uint32 rewardWeightBps, uint128 minBond, bool enabled) external;

    /// @notice Pauses registration. Only PAUSER_ROLE.
    function pause() external;

    /// @notice Unpauses registration. Only PAUSER_ROLE.
    function unpause() external;

    // ----------------------------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------------------------

    /// @notice The role allowed to suspend and unsuspend devices.
    function FRAUD_ROLE() external view returns (bytes32);

    /// @notice The role allowed to pause and unpause registration.
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice Upper bound of a class reward weight, in basis points.
    function MAX_CLASS_WEIGHT_BPS() external view returns (uint32);

    /// @notice The device id of a device key: `uint256(uint160(deviceKey))`.
    function deviceIdOf(address deviceKey) external pure returns (uint256);

    /// @notice Current owner of the NFT; for a deregistered device the owner at deregistration; zero if unknown.
    function deviceOwner(uint256 deviceId) external view returns (address);

    /// @notice Class of the device (0 for an unknown device; check `status`).
    function deviceClassOf(uint256 deviceId) external view returns (uint8);

    /// @notice Location cell of the device (last cell for a deregistered device, 0 for an unknown one).
    function cellOf(uint256 deviceId) external view returns (uint64);

    /// @notice Lifecycle status of the device.
    function status(uint256 deviceId) external view returns (DeviceStatus);

    /// @notice Full stored record of the device.
    function device(uint256 deviceId) external view returns (Device memory);

    /// @notice Configuration of a device class.
    function classConfig(uint8 deviceClass) external view returns (ClassConfig memory);

    /// @notice Minimum bond of a device class, in token wei.
    function minBond(uint8 deviceClass) external view returns (uint256);

    /// @notice Reward weight of a device class, in basis points (0 for a class never configured).
    function classWeightBps(uint8 deviceClass) external view returns (uint256);

    /// @notice Whether `maker` is currently approved to attest devices.
    function isApprovedMaker(address maker) external view returns (bool);

    /// @notice The generation `maker` must sign attestations for (its number of revocations so far).
    function makerGeneration(address maker) external view returns (uint32);

    /// @notice EIP-712 typehash of `Register(address owner,uint8 deviceClass,uint64 cell,uint256 nonce,uint256
    /// deadline)`.
    function REGISTER_TYPEHASH() external view returns (bytes32);

    /// @notice EIP-712 typehash of `Attest(address deviceKey,uint8 deviceClass,uint32 makerGeneration)`.
    function ATTEST_TYPEHASH() external view returns (bytes32);

    /// @notice EIP-712 typehash of `Move(uint256 deviceId,address owner,uint64 cell,uint256 nonce,uint256 deadline)`.
    function MOVE_TYPEHASH() external view returns (bytes32);
}
